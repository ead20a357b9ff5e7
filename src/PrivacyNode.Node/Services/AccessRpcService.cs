using System.Security.Cryptography;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Access;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Configuration;
using PrivacyNode.Node.Identity;
using PrivacyNode.Node.Jobs;
using PrivacyNode.Node.Kinds.Psi;
using PrivacyNode.Node.Peers;
using PrivacyNode.Node.Security;

namespace PrivacyNode.Node.Services;

/// <summary>AccessService on the local endpoint: file, answer and list requests; list and revoke grants.</summary>
public sealed class AccessRpcService(NodeSelf self, AccessStore store, PeerClient peerClient, PeerAuditKeys peerKeys, AccessOptions options, TimeProvider clock) : AccessService.AccessServiceBase
{
    private const int MaxText = PeerInput.MaxText;

    /// <summary>Checks the terms a request asks for (or a grant gives); returns a reason when they are invalid.</summary>
    internal static string? Validate(AccessTerms? terms)
    {
        if (terms is null || string.IsNullOrWhiteSpace(terms.Dataset))
        {
            return "A dataset is required.";
        }

        if (terms.Columns.Count == 0 || terms.Columns.Any(string.IsNullOrWhiteSpace))
        {
            return "At least one column is required.";
        }

        if (terms.Dataset.Length > PeerInput.MaxName || terms.Columns.Count > PeerInput.MaxColumns || terms.Columns.Any(c => c.Length > PeerInput.MaxName)
            || terms.JobKinds.Count > JobKinds.OutputModeOf.Count || terms.OutputModes.Count > JobKind.OutputModes.Count)
        {
            return $"Names are at most {PeerInput.MaxName} characters, and a request names at most {PeerInput.MaxColumns} columns.";
        }

        if (terms.JobKinds.Count == 0 || terms.JobKinds.Any(k => !JobKinds.OutputModeOf.ContainsKey(k)))
        {
            return $"Job kinds must be some of {string.Join(", ", JobKinds.OutputModeOf.Keys)}.";
        }

        if (terms.OutputModes.Count == 0 || terms.OutputModes.Any(m => !JobKind.OutputModes.Contains(m)))
        {
            return $"Output modes must be some of {string.Join(", ", JobKind.OutputModes)}.";
        }

        if (JobKinds.CheckPairs(terms.JobKinds, terms.OutputModes) is { } mismatch)
        {
            return mismatch;
        }

        if (string.IsNullOrWhiteSpace(terms.Purpose) || terms.Purpose.Length > MaxText)
        {
            return "A purpose (what the data is used for, at most 2000 characters) is required.";
        }

        if (string.IsNullOrWhiteSpace(terms.PurposeCode) || terms.PurposeCode.Length > 64)
        {
            return "A purpose code is required (at most 64 characters).";
        }

        if (terms.ValidFrom is null || terms.ValidTo is null || terms.ValidTo.ToDateTimeOffset() <= terms.ValidFrom.ToDateTimeOffset())
        {
            return "A period is required, with its end after its start.";
        }

        return null;
    }

    [Allow(Role.Analyst)]
    public override async Task<FileRequestResponse> FileRequest(FileRequestRequest request, ServerCallContext context)
    {
        if (Validate(request.Terms) is { } problem)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, problem));
        }

        if (string.IsNullOrWhiteSpace(request.RequesterResponsible))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "The requester's responsible person is required."));
        }

        var caller = context.GetLocalCaller();
        var id = "req-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var submit = new SubmitRequestRequest
        {
            Id = id,
            Terms = request.Terms,
            RequesterResponsible = request.RequesterResponsible,
            FiledBy = caller.Name,
        };
        var submitted = await peerClient.CallAsync(request.Peer, (peer, options) => new PeerAccessService.PeerAccessServiceClient(peer).SubmitRequestAsync(submit, options), context.CancellationToken);
        await peerKeys.VerifyAsync(request.Peer, submitted.ProviderReceipt, AuditFormat.RequestSubject(id), context.CancellationToken);
        var filed = new AccessRequest
        {
            Id = id,
            Direction = Direction.Outgoing,
            Peer = request.Peer,
            Terms = request.Terms,
            RequesterResponsible = request.RequesterResponsible,
            FiledBy = caller.Name,
            FiledAt = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
            RespondBy = submitted.RespondBy,
            State = RequestState.Pending,
        };
        await store.AddOutgoingAsync(filed, caller.Actor, submitted.ProviderReceipt, context.CancellationToken);
        return new FileRequestResponse { Request = filed };
    }

    [Allow(Role.Admin, Role.Analyst)]
    public override async Task<ListRequestsResponse> ListRequests(ListRequestsRequest request, ServerCallContext context)
    {
        var caller = context.GetLocalCaller();
        Direction? direction = request.Direction == Direction.Unspecified ? null : request.Direction;
        if (caller.Role == Role.Analyst && direction == Direction.Incoming)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "Requests received from peers are answered by admins; analysts list their own requests."));
        }

        var filedBy = caller.Role == Role.Analyst ? caller.Name : null;
        if (caller.Role == Role.Analyst)
        {
            direction = Direction.Outgoing;
        }

        await RefreshOutgoingAsync(context.CancellationToken);
        var requests = await store.ListRequestsAsync(direction, filedBy, context.CancellationToken);
        var response = new ListRequestsResponse();
        response.Requests.AddRange(requests.Where(r => !request.OverdueOnly || r.Overdue));
        return response;
    }

    /// <summary>Asks each provider how pending outgoing requests were answered; unreachable providers are skipped.</summary>
    private async Task RefreshOutgoingAsync(CancellationToken cancellationToken)
    {
        var pending = (await store.ListRequestsAsync(Direction.Outgoing, null, cancellationToken))
            .Where(r => r.State == RequestState.Pending || (r.State == RequestState.Approved && !string.IsNullOrEmpty(r.GrantId)))
            .GroupBy(r => r.Peer);
        foreach (var group in pending)
        {
            GetRequestStatusResponse statuses;
            try
            {
                var ask = new GetRequestStatusRequest();
                ask.Ids.AddRange(group.Select(r => r.Id));
                statuses = await peerClient.CallAsync(group.Key, (peer, options) => new PeerAccessService.PeerAccessServiceClient(peer).GetRequestStatusAsync(ask, options), cancellationToken, TimeSpan.FromSeconds(5));
            }
            catch (RpcException) when (!cancellationToken.IsCancellationRequested)
            {
                continue;
            }

            foreach (var status in statuses.Statuses)
            {
                await store.UpdateOutgoingAsync(group.Key, status, cancellationToken);
            }
        }
    }

    [Allow(Role.Admin)]
    public override async Task<ApproveRequestResponse> ApproveRequest(ApproveRequestRequest request, ServerCallContext context) =>
        new() { Grant = await ApproveAsync(request, context.GetLocalCaller().Actor, context.CancellationToken) };

    /// <summary>Answers a received request with the grant <paramref name="request"/> describes; an <see cref="RpcException"/> says why not.</summary>
    internal async Task<Grant> ApproveAsync(ApproveRequestRequest request, Actor by, CancellationToken cancellationToken)
    {
        var received = (await store.GetIncomingAsync(request.Peer, [request.RequestId], cancellationToken)).FirstOrDefault().Request
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No request '{request.RequestId}' was received from '{request.Peer}'."));
        var asked = received.Terms;
        var terms = asked.Clone();
        if (request.Terms is { } narrowed)
        {
            if (narrowed.Columns.Count > 0)
            {
                Within(narrowed.Columns, asked.Columns, "column");
                terms.Columns.Clear();
                terms.Columns.AddRange(narrowed.Columns);
            }

            if (narrowed.JobKinds.Count > 0)
            {
                Within(narrowed.JobKinds, asked.JobKinds, "job kind");
                terms.JobKinds.Clear();
                terms.JobKinds.AddRange(narrowed.JobKinds);
            }

            if (narrowed.OutputModes.Count > 0)
            {
                Within(narrowed.OutputModes, asked.OutputModes, "output mode");
                terms.OutputModes.Clear();
                terms.OutputModes.AddRange(narrowed.OutputModes);
            }

            // Narrowing either side narrows the other: a grant holds (kind, mode) pairs.
            var (kinds, modes) = JobKinds.Pairs(terms.JobKinds, terms.OutputModes);
            if (kinds.Count == 0)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "The narrowed job kinds and output modes leave no kind with its output mode."));
            }

            terms.JobKinds.Clear();
            terms.JobKinds.AddRange(kinds);
            terms.OutputModes.Clear();
            terms.OutputModes.AddRange(modes);

            if (narrowed.ValidFrom is { } from)
            {
                terms.ValidFrom = from.ToDateTimeOffset() < asked.ValidFrom.ToDateTimeOffset() ? throw Wider("start") : from;
            }

            if (narrowed.ValidTo is { } to)
            {
                terms.ValidTo = to.ToDateTimeOffset() > asked.ValidTo.ToDateTimeOffset() ? throw Wider("end") : to;
            }
        }

        if (Validate(terms) is { } problem)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, problem));
        }

        if (request.MaxUses < 1 || request.MinRequesterSetSize < 0 || request.MinResultSize < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "A grant needs at least one use (--max-uses); minimum sizes cannot be negative."));
        }

        if (request.MaxUses > options.MaxSumUses && terms.JobKinds.Any(JobKinds.WithoutDeviationProof.Contains))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"A grant for {string.Join(" or ", JobKinds.WithoutDeviationProof)} allows at most {options.MaxSumUses} uses here (Node:Access:MaxSumUses): a requester running modified software can learn one chosen value per use (SECURITY.md)."));
        }

        if (request.PsiSuites.FirstOrDefault(s => !PsiJobSpec.SuiteNames.Contains(s)) is { } unknown)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"Unknown PSI suite '{unknown}'; the suites are {string.Join(", ", PsiJobSpec.SuiteNames)}."));
        }

        if (string.IsNullOrWhiteSpace(request.ProviderResponsible))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "The provider's responsible person is required."));
        }

        var grant = new Grant
        {
            Id = "grt-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            RequestId = received.Id,
            Requester = received.Peer,
            Provider = self.Name,
            Terms = terms,
            MaxUses = request.MaxUses,
            MinRequesterSetSize = request.MinRequesterSetSize,
            MinResultSize = request.MinResultSize,
            RequesterResponsible = received.RequesterResponsible,
            ProviderResponsible = request.ProviderResponsible,
            PsiSuites = { request.PsiSuites.Distinct() },
        };
        if (request.Reason.Length > MaxText)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "A reason is at most 2000 characters."));
        }

        return await Mapped(() => store.ApproveAsync(request.Peer, request.RequestId, grant, request.Reason.Trim(), by, cancellationToken));
    }

    [Allow(Role.Admin)]
    public override async Task<RefuseRequestResponse> RefuseRequest(RefuseRequestRequest request, ServerCallContext context) =>
        new() { Request = await RefuseAsync(request, context.GetLocalCaller().Actor, context.CancellationToken) };

    /// <summary>Refuses a received request for the reason <paramref name="request"/> gives; an <see cref="RpcException"/> says why it cannot.</summary>
    internal async Task<AccessRequest> RefuseAsync(RefuseRequestRequest request, Actor by, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > MaxText)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "A refusal needs a reason (at most 2000 characters)."));
        }

        return await Mapped(() => store.RefuseAsync(request.Peer, request.RequestId, request.Reason.Trim(), by, cancellationToken));
    }

    [Allow(Role.Admin, Role.Analyst)]
    public override async Task<ListGrantsResponse> ListGrants(ListGrantsRequest request, ServerCallContext context)
    {
        var caller = context.GetLocalCaller();
        Direction? direction = request.Direction == Direction.Unspecified ? null : request.Direction;
        if (caller.Role == Role.Analyst)
        {
            direction = Direction.Outgoing;
            await RefreshOutgoingAsync(context.CancellationToken);
        }

        var response = new ListGrantsResponse();
        response.Grants.AddRange(await store.ListGrantsAsync(direction, context.CancellationToken));
        return response;
    }

    [Allow(Role.Admin)]
    public override async Task<RevokeGrantResponse> RevokeGrant(RevokeGrantRequest request, ServerCallContext context) =>
        new() { Grant = await RevokeAsync(request, context.GetLocalCaller().Actor, context.CancellationToken) };

    /// <summary>Revokes a grant this node gave, for the reason <paramref name="request"/> gives; an <see cref="RpcException"/> says why it cannot.</summary>
    internal async Task<Grant> RevokeAsync(RevokeGrantRequest request, Actor by, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "A revocation needs a reason."));
        }

        return await Mapped(() => store.RevokeAsync(request.GrantId, request.Reason.Trim(), by, cancellationToken));
    }

    private static void Within(IEnumerable<string> granted, IEnumerable<string> asked, string what)
    {
        var extra = granted.Except(asked, StringComparer.Ordinal).ToList();
        if (extra.Count > 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"A grant cannot give more than was asked: {what}(s) {string.Join(", ", extra)} were not requested."));
        }
    }

    private static RpcException Wider(string which) => new(new Status(StatusCode.InvalidArgument, $"A grant cannot give more than was asked: the period's {which} lies outside the requested period."));

    private static async Task<T> Mapped<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (AccessException ex)
        {
            throw new RpcException(new Status(ex.Error switch
            {
                AccessError.NotFound => StatusCode.NotFound,
                AccessError.Conflict => StatusCode.FailedPrecondition,
                AccessError.NotShared => StatusCode.FailedPrecondition,
                _ => StatusCode.InvalidArgument,
            }, ex.Message));
        }
    }
}
