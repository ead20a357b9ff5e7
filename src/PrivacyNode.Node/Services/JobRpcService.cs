using System.Security.Cryptography;
using Grpc.Core;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Access;
using PrivacyNode.Node.Jobs;
using PrivacyNode.Node.Kinds.HeAggregate;
using PrivacyNode.Node.Security;

namespace PrivacyNode.Node.Services;

/// <summary>
/// JobService on the local endpoint. Analysts submit jobs and see, cancel and read their own; admins see
/// and cancel all jobs and dispose of results but cannot read them.
/// </summary>
public sealed class JobRpcService(JobStore jobs, JobRunner runner, JobEvents events, AccessStore access, TimeProvider clock) : JobService.JobServiceBase
{
    /// <summary>The most result rows one GetJobResult page carries.</summary>
    public const int MaxResultRowsPerPage = JobStore.ResultPageRows;

    private static bool IsTerminal(JobState state) => state is JobState.Succeeded or JobState.Failed or JobState.Cancelled;

    [Allow(Role.Analyst)]
    public override async Task<SubmitJobResponse> SubmitJob(SubmitJobRequest request, ServerCallContext context)
    {
        var spec = request.Spec ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "A job spec is required."));
        var executor = runner.ExecutorFor(spec.Kind)
            ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"Job kind '{spec.Kind}' is not available on this node (available: {string.Join(", ", runner.Kinds)})."));
        // The registry holds one executor per kind, so a kind with an executor is a known kind.
        var kind = JobKind.Find(spec.Kind)!;
        if (string.IsNullOrEmpty(spec.OutputMode))
        {
            spec.OutputMode = kind.OutputMode;
        }

        if (!kind.HasParts && (spec.Parts.Count > 0 || spec.GroupDomain.Count > 0 || spec.Threshold))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "Parts, group codes and threshold keys belong to he-aggregate jobs."));
        }

        // A job with one grant takes its defaults from it before it is checked; a job with parts is checked before each part's grant
        // is asked whether it would admit it.
        var grant = kind.HasParts ? null : await ResolveAsync(spec, context.CancellationToken);
        if (executor.Validate(spec) is { } problem)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, problem));
        }

        var grants = grant is null ? await ResolvePartsAsync(spec, context.CancellationToken) : [grant];

        var caller = context.GetLocalCaller();
        var job = new Job
        {
            Id = "job-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            Spec = spec,
            State = JobState.Pending,
            SubmittedBy = caller.Name,
            SubmittedById = caller.UserId,
            SubmittedAt = JobRun.Now(clock),
            Stage = "queued",
            ResultExpiresAt = grants.Select(g => g.Terms.ValidTo).Min(),
        };
        await runner.SubmitAsync(job, caller.Actor, context.CancellationToken);
        return new SubmitJobResponse { Job = job };
    }

    /// <summary>The grant of a job with one provider; fills in the provider, dataset and purpose from it.</summary>
    private async Task<Grant> ResolveAsync(JobSpec spec, CancellationToken cancellationToken)
    {
        var grant = await HeldGrantAsync(spec.GrantId, cancellationToken);
        if (string.IsNullOrEmpty(spec.Peer))
        {
            spec.Peer = grant.Provider;
        }
        else if (spec.Peer != grant.Provider)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"Grant '{grant.Id}' was given by '{grant.Provider}', not '{spec.Peer}'."));
        }

        if (string.IsNullOrEmpty(spec.Dataset))
        {
            spec.Dataset = grant.Terms.Dataset;
        }

        if (string.IsNullOrEmpty(spec.PurposeCode))
        {
            spec.PurposeCode = grant.Terms.PurposeCode;
        }

        // A job that matches keys takes the grant's first column as the provider's key column unless it names one.
        if (spec.Columns.Count == 0 && JobKind.Find(spec.Kind)?.MatchesRequesterSet == true)
        {
            spec.Columns.AddRange(grant.Terms.Columns.Take(1));
        }

        return grant;
    }

    /// <summary>
    /// he-aggregate: every part's provider and dataset from its grant, and the job checked against each grant as far as
    /// this node can, so that no provider spends a use on a job another is bound to refuse. The spec's own provider,
    /// grant, dataset and columns become the aggregator's (the first part's).
    /// </summary>
    private async Task<List<Grant>> ResolvePartsAsync(JobSpec spec, CancellationToken cancellationToken)
    {
        var grants = new List<Grant>();
        foreach (var part in spec.Parts)
        {
            var grant = await HeldGrantAsync(part.GrantId, cancellationToken);
            if ((part.Peer.Length > 0 && part.Peer != grant.Provider) || (part.Dataset.Length > 0 && part.Dataset != grant.Terms.Dataset))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"Grant '{grant.Id}' covers dataset '{grant.Terms.Dataset}' at '{grant.Provider}', not '{part.Dataset}' at '{part.Peer}'."));
            }

            (part.Peer, part.Dataset) = (grant.Provider, grant.Terms.Dataset);
            grants.Add(grant);
        }

        if (spec.Parts.GroupBy(p => p.Peer, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"Each provider takes part in an he-aggregate job once; '{twice.Key}' is named {twice.Count()} times."));
        }

        if (string.IsNullOrEmpty(spec.PurposeCode))
        {
            spec.PurposeCode = grants[0].Terms.PurposeCode;
        }

        var now = clock.GetUtcNow();
        for (var i = 0; i < grants.Count; i++)
        {
            var part = spec.Parts[i];
            var ask = new JobAsk(grants[i].Requester, part.GrantId, spec.Kind, part.Dataset, part.Columns, spec.OutputMode, spec.PurposeCode, 0);
            // The dataset's sharing attribute is the provider's to check: assume it still allows grants.
            var decision = PolicyDecision.Decide(grants[i], Sharing.Conditional, ask, grants[i].Uses, now);
            if (!decision.Allowed)
            {
                throw new RpcException(new Status(StatusCode.FailedPrecondition, $"Part {i + 1} ('{part.Peer}') would be refused: {decision.Code}: {decision.Message}"));
            }
        }

        HeAggregateSpec.AddressTo(spec, 0);
        return grants;
    }

    private async Task<Grant> HeldGrantAsync(string grantId, CancellationToken cancellationToken) =>
        await access.GetHeldGrantAsync(grantId, cancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"This node holds no grant '{grantId}'. See: privacynode grant list"));

    private async Task<Job> VisibleJobAsync(string jobId, ServerCallContext context)
    {
        var caller = context.GetLocalCaller();
        var job = await jobs.GetAsync(jobId, context.CancellationToken);
        return job is not null && (caller.Role == Role.Admin || job.SubmittedById == caller.UserId)
            ? job
            : throw new RpcException(new Status(StatusCode.NotFound, $"No job '{jobId}' of yours."));
    }

    [Allow(Role.Admin, Role.Analyst)]
    public override async Task<GetJobResponse> GetJob(GetJobRequest request, ServerCallContext context) =>
        new() { Job = await VisibleJobAsync(request.JobId, context) };

    [Allow(Role.Admin, Role.Analyst)]
    public override async Task<ListJobsResponse> ListJobs(ListJobsRequest request, ServerCallContext context)
    {
        var caller = context.GetLocalCaller();
        var response = new ListJobsResponse();
        response.Jobs.AddRange(await jobs.ListAsync(caller.Role == Role.Admin ? null : caller.UserId, context.CancellationToken));
        return response;
    }

    [Allow(Role.Admin, Role.Analyst)]
    public override async Task WatchJob(WatchJobRequest request, IServerStreamWriter<WatchJobResponse> responseStream, ServerCallContext context)
    {
        using var subscription = events.Subscribe(request.JobId);
        var job = await VisibleJobAsync(request.JobId, context);
        await responseStream.WriteAsync(new WatchJobResponse { Job = job }, context.CancellationToken);
        while (!IsTerminal(job.State))
        {
            job = await subscription.Reader.ReadAsync(context.CancellationToken);
            await responseStream.WriteAsync(new WatchJobResponse { Job = job }, context.CancellationToken);
        }
    }

    [Allow(Role.Admin, Role.Analyst)]
    public override async Task<CancelJobResponse> CancelJob(CancelJobRequest request, ServerCallContext context)
    {
        var job = await VisibleJobAsync(request.JobId, context);
        if (IsTerminal(job.State) || !await runner.CancelAsync(job.Id, context.GetLocalCaller().Actor, context.CancellationToken))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"Job '{job.Id}' already ended ({job.State})."));
        }

        return new CancelJobResponse { Job = await jobs.GetAsync(job.Id, context.CancellationToken) };
    }

    [Allow(Role.Analyst)]
    public override async Task<GetJobResultResponse> GetJobResult(GetJobResultRequest request, ServerCallContext context)
    {
        var job = await VisibleJobAsync(request.JobId, context);
        if (job.State != JobState.Succeeded)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"Job '{job.Id}' has no result: it is {job.State}{(job.FailureMessage.Length > 0 ? " (" + job.FailureMessage + ")" : string.Empty)}."));
        }

        var limit = request.Limit is 0 or > MaxResultRowsPerPage ? MaxResultRowsPerPage : (int)request.Limit;
        var (page, total) = await jobs.GetResultAsync(job.Id, (long)Math.Min(request.Offset, long.MaxValue), limit, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"The result of job '{job.Id}' was disposed of."));
        return new GetJobResultResponse { Result = page, TotalRows = (ulong)total };
    }

    [Allow(Role.Admin, Role.Analyst)]
    public override async Task<DisposeResultResponse> DisposeResult(DisposeResultRequest request, ServerCallContext context)
    {
        var job = await VisibleJobAsync(request.JobId, context);
        var disposed = await jobs.DisposeResultAsync(job.Id, context.GetLocalCaller().Actor, "on-request", context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, $"Job '{job.Id}' has no stored result to dispose of."));
        events.Publish(disposed);
        return new DisposeResultResponse { Job = disposed };
    }
}
