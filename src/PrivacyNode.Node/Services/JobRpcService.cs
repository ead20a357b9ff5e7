using System.Security.Cryptography;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Access;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Jobs;
using PrivacyNode.Node.Security;
using PrivacyNode.Rpc;
using PrivacyNode.Rpc.Server;

namespace PrivacyNode.Node.Services;

/// <summary>
/// JobService on the local endpoint. Analysts submit jobs and see, cancel and read their own; admins see
/// and cancel all jobs and dispose of results but cannot read them.
/// </summary>
public sealed class JobRpcService(JobStore jobs, JobRunner runner, JobEvents events, AccessStore access, TimeProvider clock)
{
    public void Map(RpcRouter router, LocalAccess localAccess)
    {
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(localAccess);
        router.MapUnary(JobServiceDescriptor.SubmitJob, SubmitJobAsync);
        localAccess.Allow(JobServiceDescriptor.SubmitJob, Role.Analyst);
        router.MapUnary(JobServiceDescriptor.GetJob, GetJobAsync);
        localAccess.Allow(JobServiceDescriptor.GetJob, Role.Admin, Role.Analyst);
        router.MapUnary(JobServiceDescriptor.ListJobs, ListJobsAsync);
        localAccess.Allow(JobServiceDescriptor.ListJobs, Role.Admin, Role.Analyst);
        router.MapServerStreaming(JobServiceDescriptor.WatchJob, WatchJobAsync);
        localAccess.Allow(JobServiceDescriptor.WatchJob, Role.Admin, Role.Analyst);
        router.MapUnary(JobServiceDescriptor.CancelJob, CancelJobAsync);
        localAccess.Allow(JobServiceDescriptor.CancelJob, Role.Admin, Role.Analyst);
        router.MapUnary(JobServiceDescriptor.GetJobResult, GetJobResultAsync);
        localAccess.Allow(JobServiceDescriptor.GetJobResult, Role.Analyst);
        router.MapUnary(JobServiceDescriptor.DisposeResult, DisposeResultAsync);
        localAccess.Allow(JobServiceDescriptor.DisposeResult, Role.Admin, Role.Analyst);
    }

    /// <summary>The most result rows one GetJobResult page carries.</summary>
    public const int MaxResultRowsPerPage = 10_000;

    private static bool IsTerminal(JobState state) => state is JobState.Succeeded or JobState.Failed or JobState.Cancelled;

    private async Task<SubmitJobResponse> SubmitJobAsync(SubmitJobRequest request, ServerCallContext context)
    {
        var spec = request.Spec ?? throw new RpcException(StatusCode.InvalidArgument, "A job spec is required.");
        var executor = runner.ExecutorFor(spec.Kind)
            ?? throw new RpcException(StatusCode.InvalidArgument, $"Job kind '{spec.Kind}' is not available on this node (available: {string.Join(", ", runner.Kinds)}).");
        if (string.IsNullOrEmpty(spec.OutputMode) && JobKinds.OutputModeOf.TryGetValue(spec.Kind, out var mode))
        {
            spec.OutputMode = mode;
        }

        if (executor.Validate(spec) is { } problem)
        {
            throw new RpcException(StatusCode.InvalidArgument, problem);
        }

        var grant = await access.GetHeldGrantAsync(spec.GrantId, context.CancellationToken)
            ?? throw new RpcException(StatusCode.NotFound, $"This node holds no grant '{spec.GrantId}'. See: privacynode grant list");
        if (string.IsNullOrEmpty(spec.Peer))
        {
            spec.Peer = grant.Provider;
        }
        else if (spec.Peer != grant.Provider)
        {
            throw new RpcException(StatusCode.InvalidArgument, $"Grant '{grant.Id}' was given by '{grant.Provider}', not '{spec.Peer}'.");
        }

        if (string.IsNullOrEmpty(spec.Dataset))
        {
            spec.Dataset = grant.Terms.Dataset;
        }

        if (string.IsNullOrEmpty(spec.PurposeCode))
        {
            spec.PurposeCode = grant.Terms.PurposeCode;
        }

        var caller = context.GetLocalCaller();
        var job = new Job
        {
            Id = "job-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            Spec = spec,
            State = JobState.Pending,
            SubmittedBy = caller.Name,
            SubmittedAt = JobRun.Now(clock),
            Stage = "queued",
            ResultExpiresAt = grant.Terms.ValidTo,
        };
        await runner.SubmitAsync(job, Actor.Local(caller), context.CancellationToken);
        return new SubmitJobResponse { Job = job };
    }

    private async Task<Job> VisibleJobAsync(string jobId, ServerCallContext context)
    {
        var caller = context.GetLocalCaller();
        var job = await jobs.GetAsync(jobId, context.CancellationToken);
        return job is not null && (caller.Role == Role.Admin || job.SubmittedBy == caller.Name)
            ? job
            : throw new RpcException(StatusCode.NotFound, $"No job '{jobId}' of yours.");
    }

    private async Task<GetJobResponse> GetJobAsync(GetJobRequest request, ServerCallContext context) =>
        new() { Job = await VisibleJobAsync(request.JobId, context) };

    private async Task<ListJobsResponse> ListJobsAsync(ListJobsRequest request, ServerCallContext context)
    {
        var caller = context.GetLocalCaller();
        var response = new ListJobsResponse();
        response.Jobs.AddRange(await jobs.ListAsync(caller.Role == Role.Admin ? null : caller.Name, context.CancellationToken));
        return response;
    }

    private async Task WatchJobAsync(WatchJobRequest request, IAsyncStreamWriter<WatchJobResponse> responses, ServerCallContext context)
    {
        using var subscription = events.Subscribe(request.JobId);
        var job = await VisibleJobAsync(request.JobId, context);
        await responses.WriteAsync(new WatchJobResponse { Job = job }, context.CancellationToken);
        while (!IsTerminal(job.State))
        {
            job = await subscription.Reader.ReadAsync(context.CancellationToken);
            await responses.WriteAsync(new WatchJobResponse { Job = job }, context.CancellationToken);
        }
    }

    private async Task<CancelJobResponse> CancelJobAsync(CancelJobRequest request, ServerCallContext context)
    {
        var job = await VisibleJobAsync(request.JobId, context);
        if (IsTerminal(job.State) || !await runner.CancelAsync(job.Id, Actor.Local(context.GetLocalCaller()), context.CancellationToken))
        {
            throw new RpcException(StatusCode.FailedPrecondition, $"Job '{job.Id}' already ended ({job.State}).");
        }

        return new CancelJobResponse { Job = await jobs.GetAsync(job.Id, context.CancellationToken) };
    }

    private async Task<GetJobResultResponse> GetJobResultAsync(GetJobResultRequest request, ServerCallContext context)
    {
        var job = await VisibleJobAsync(request.JobId, context);
        if (job.State != JobState.Succeeded)
        {
            throw new RpcException(StatusCode.FailedPrecondition, $"Job '{job.Id}' has no result: it is {job.State}{(job.FailureMessage.Length > 0 ? " (" + job.FailureMessage + ")" : string.Empty)}.");
        }

        var result = await jobs.GetResultAsync(job.Id, context.CancellationToken)
            ?? throw new RpcException(StatusCode.NotFound, $"The result of job '{job.Id}' was disposed of.");
        var total = result.Rows.Count;
        var offset = (int)Math.Min(request.Offset, (ulong)total);
        var limit = request.Limit is 0 or > MaxResultRowsPerPage ? MaxResultRowsPerPage : (int)request.Limit;
        var page = result.Rows.Skip(offset).Take(limit).ToList();
        result.Rows.Clear();
        result.Rows.AddRange(page);
        return new GetJobResultResponse { Result = result, TotalRows = (ulong)total };
    }

    private async Task<DisposeResultResponse> DisposeResultAsync(DisposeResultRequest request, ServerCallContext context)
    {
        var job = await VisibleJobAsync(request.JobId, context);
        var disposed = await jobs.DisposeResultAsync(job.Id, Actor.Local(context.GetLocalCaller()), "on-request", context.CancellationToken)
            ?? throw new RpcException(StatusCode.FailedPrecondition, $"Job '{job.Id}' has no stored result to dispose of.");
        events.Publish(disposed);
        return new DisposeResultResponse { Job = disposed };
    }
}
