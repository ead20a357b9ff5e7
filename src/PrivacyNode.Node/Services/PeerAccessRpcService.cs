using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Access;
using PrivacyNode.Node.Configuration;
using PrivacyNode.Node.Jobs;
using PrivacyNode.Node.Security;

namespace PrivacyNode.Node.Services;

/// <summary>PeerAccessService on the peer endpoint: receive a peer's requests and report their outcome to it.</summary>
public sealed class PeerAccessRpcService(AccessStore store, AccessOptions options, TimeProvider clock) : PeerAccessService.PeerAccessServiceBase
{
    /// <summary>The most unanswered requests one peer may have filed here at once.</summary>
    private const int MaxPendingPerPeer = 100;

    public override async Task<SubmitRequestResponse> SubmitRequest(SubmitRequestRequest request, ServerCallContext context)
    {
        var peer = context.GetPeer();
        if (AccessRpcService.Validate(request.Terms) is { } problem)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, problem));
        }

        if (string.IsNullOrEmpty(request.Id) || request.Id.Length > 64 || string.IsNullOrWhiteSpace(request.RequesterResponsible) || request.RequesterResponsible.Length > PeerInput.MaxText
            || request.FiledBy.Length > PeerInput.MaxName)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "A request needs an id (at most 64 characters) and the requester's responsible person."));
        }

        if (await store.CountPendingIncomingAsync(peer.Name, context.CancellationToken) >= MaxPendingPerPeer)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"This node holds {MaxPendingPerPeer} unanswered requests from this node already; file more once they are answered."));
        }

        var now = clock.GetUtcNow();
        var received = new AccessRequest
        {
            Id = request.Id,
            Direction = Direction.Incoming,
            Peer = peer.Name,
            Terms = request.Terms,
            RequesterResponsible = request.RequesterResponsible,
            FiledBy = request.FiledBy,
            FiledAt = Timestamp.FromDateTimeOffset(now),
            RespondBy = Timestamp.FromDateTimeOffset(WorkingDays.Add(now, options.ResponseWorkingDays)),
            State = RequestState.Pending,
        };
        var record = await store.AddIncomingAsync(received, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.AlreadyExists, $"Request '{request.Id}' was already received."));
        return new SubmitRequestResponse { RespondBy = received.RespondBy, ProviderReceipt = AuditFormat.ReceiptOf(record) };
    }

    public override async Task<GetRequestStatusResponse> GetRequestStatus(GetRequestStatusRequest request, ServerCallContext context)
    {
        var response = new GetRequestStatusResponse();
        foreach (var (received, grant) in await store.GetIncomingAsync(context.GetPeer().Name, request.Ids, context.CancellationToken))
        {
            response.Statuses.Add(new RequestStatus
            {
                Id = received.Id,
                State = received.State,
                RespondBy = received.RespondBy,
                DecidedAt = received.DecidedAt,
                RefusalReason = received.RefusalReason,
                Grant = grant,
            });
        }

        return response;
    }
}
