using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Storage;

namespace PrivacyNode.Node.Jobs;

/// <summary>
/// Runs jobs: persisted state machines pending → running → succeeded | failed | cancelled, at most
/// <see cref="Concurrency"/> at a time. On start, jobs left running by a previous process are failed with
/// a reason and pending ones are queued again. Results are kept until their expiry, then disposed of.
/// A store that is briefly unreachable (a database restarting, a full disk) delays a job's start and its end,
/// which are retried until stored; progress is not retried; a job whose own reads or writes meet it fails with that reason.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class JobRunner : IAsyncDisposable
{
    /// <summary>Jobs that run at once.</summary>
    public const int Concurrency = 2;

    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    /// <summary>The longest wait between attempts to store a job's start or end while the store is unreachable.</summary>
    private static readonly TimeSpan MaxStoreRetry = TimeSpan.FromSeconds(30);
    private readonly JobStore _store;
    private readonly JobEvents _events;
    private readonly Dictionary<string, IJobExecutor> _executors;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _retention;
    private readonly ILogger _logger;
    private readonly NodeMetrics _metrics;
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _workers = [];

    public JobRunner(JobStore store, JobEvents events, IEnumerable<IJobExecutor> executors, TimeProvider clock, TimeSpan timeout, TimeSpan retention, ILogger logger, NodeMetrics metrics)
    {
        _metrics = metrics;
        _store = store;
        _events = events;
        _executors = executors.ToDictionary(e => e.Kind, StringComparer.Ordinal);
        _clock = clock;
        _timeout = timeout;
        _retention = retention;
        _logger = logger;
    }

    /// <summary>The executor for <paramref name="kind"/>, or null if this node cannot run it.</summary>
    public IJobExecutor? ExecutorFor(string kind) => _executors.GetValueOrDefault(kind);

    /// <summary>The kinds this node can run.</summary>
    public IEnumerable<string> Kinds => _executors.Keys;

    /// <summary>Recovers jobs of a previous run and starts the workers and the result sweeper.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var job in await _store.ListInStateAsync(JobState.Running, cancellationToken))
        {
            job.State = JobState.Failed;
            job.FailureCode = "node-restarted";
            job.FailureMessage = "The node stopped while this job was running; the provider may have counted a use. Submit it again.";
            job.FinishedAt = JobRun.Now(_clock);
            await _store.TransitionAsync(job, Actor.System.Does("job.failed", "error") with { ReasonCode = job.FailureCode }, cancellationToken);
        }

        foreach (var job in await _store.ListInStateAsync(JobState.Pending, cancellationToken))
        {
            _queue.Writer.TryWrite(job.Id);
        }

        for (var i = 0; i < Concurrency; i++)
        {
            _workers.Add(Task.Run(WorkAsync, CancellationToken.None));
        }

        _workers.Add(Task.Run(SweepAsync, CancellationToken.None));
    }

    /// <summary>Queues a new pending job.</summary>
    public async Task SubmitAsync(Job job, Actor by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        await _store.CreateAsync(job, by, cancellationToken);
        _events.Publish(job);
        _queue.Writer.TryWrite(job.Id);
    }

    /// <summary>Cancels a pending or running job; false if it already ended.</summary>
    public async Task<bool> CancelAsync(string jobId, Actor by, CancellationToken cancellationToken)
    {
        if (_running.TryGetValue(jobId, out var running))
        {
            await running.CancelAsync();
            return true;
        }

        var job = await _store.GetAsync(jobId, cancellationToken);
        if (job is null || job.State != JobState.Pending)
        {
            return false;
        }

        job.State = JobState.Cancelled;
        job.FinishedAt = JobRun.Now(_clock);
        await _store.TransitionAsync(job, by.Does("job.cancelled"), cancellationToken);
        _events.Publish(job);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        foreach (var running in _running.Values)
        {
            await running.CancelAsync();
        }

        await Task.WhenAll(_workers);
        _stopping.Dispose();
    }

    private async Task WorkAsync()
    {
        try
        {
            await foreach (var jobId in _queue.Reader.ReadAllAsync(_stopping.Token))
            {
                try
                {
                    await RunOneAsync(jobId);
                }
                catch (Exception ex) when (StorageFailure.ToStatus(ex) is { } status)
                {
                    // The job's start was not stored: it is still pending, and runs once the store is back.
                    NodeLog.JobNotStored(_logger, jobId, "start", status.Status.Detail, MaxStoreRetry);
                    _ = RequeueAsync(jobId);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The job stays as stored, and is failed at the next start if it was running; the worker goes on.
                    NodeLog.JobCrashed(_logger, ex, jobId);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task RunOneAsync(string jobId)
    {
        var job = await _store.GetAsync(jobId, _stopping.Token);
        if (job is null || job.State != JobState.Pending)
        {
            return;
        }

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        cancel.CancelAfter(_timeout);
        _running[jobId] = cancel;
        try
        {
            job.State = JobState.Running;
            job.StartedAt = JobRun.Now(_clock);
            job.Stage = "starting";
            var start = await _store.TransitionAsync(job, Actor.System.Does("job.start"), _stopping.Token);
            CrashPoint.Pass("job-started");
            _metrics.JobStarted(job.Spec.Kind);
            _events.Publish(job);
            var run = new JobRun(job, AuditFormat.ReceiptOf(start), async changed =>
            {
                _events.Publish(changed);
                try
                {
                    await _store.SaveProgressAsync(changed, _stopping.Token);
                }
                catch (Exception ex) when (StorageFailure.ToStatus(ex) is not null)
                {
                    // Progress is for watchers, who have it; the next report or the job's end is stored.
                }
            });
            await FinishAsync(job, await ExecuteAsync(run, cancel.Token));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The node is stopping: the job stays running and is failed with a reason at the next start.
        }
        finally
        {
            _running.TryRemove(jobId, out _);
        }
    }

    private async Task<(JobOutcome? Outcome, JobFailedException? Failure, bool Cancelled)> ExecuteAsync(JobRun run, CancellationToken cancellationToken)
    {
        try
        {
            var executor = _executors[run.Job.Spec.Kind];
            return (await executor.RunAsync(run, cancellationToken), null, false);
        }
        catch (JobFailedException failure)
        {
            return (null, failure, false);
        }
        catch (Exception ex) when (StorageFailure.ToStatus(ex) is { } status)
        {
            return (null, new JobFailedException("storage-unavailable", status.Status.Detail), false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !_stopping.IsCancellationRequested)
        {
            var byDeadline = _clock.GetUtcNow() - run.Job.StartedAt.ToDateTimeOffset() >= _timeout;
            return byDeadline
                ? (null, new JobFailedException("deadline-exceeded", $"The job ran longer than {_timeout.TotalMinutes.ToString(CultureInfo.InvariantCulture)} minutes."), false)
                : (null, null, true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var id = run.Job.Id;
            NodeLog.JobCrashed(_logger, ex, id);
            return (null, new JobFailedException("internal", "The job failed unexpectedly; the node's log has details."), false);
        }
    }

    private async Task FinishAsync(Job job, (JobOutcome? Outcome, JobFailedException? Failure, bool Cancelled) ending)
    {
        job.FinishedAt = JobRun.Now(_clock);
        if (ending.Outcome is { } outcome)
        {
            job.State = JobState.Succeeded;
            job.Progress = 1;
            job.Stage = "done";
            // Kept for the retention period, never past the end of the grant's purpose (set at submit).
            var expiry = _clock.GetUtcNow() + _retention;
            if (job.ResultExpiresAt is { } purposeEnd && purposeEnd.ToDateTimeOffset() < expiry)
            {
                expiry = purposeEnd.ToDateTimeOffset();
            }

            job.ResultExpiresAt = Timestamp.FromDateTimeOffset(expiry);
            outcome.Result.JobId = job.Id;
            await StoreEndAsync(job, Actor.System.Does("job.succeeded") with { PeerReceipt = outcome.PeerReceipt, Details = outcome.AuditDetails }, outcome.Result, outcome.Rows);
        }
        else if (ending.Failure is { } failure)
        {
            job.State = JobState.Failed;
            job.FailureCode = failure.Code;
            job.FailureMessage = failure.Message;
            await StoreEndAsync(job, Actor.System.Does("job.failed", failure.PeerReceipt is null ? "error" : "deny") with
            {
                ReasonCode = failure.Code,
                PeerReceipt = failure.PeerReceipt,
            });
        }
        else
        {
            job.State = JobState.Cancelled;
            await StoreEndAsync(job, Actor.System.Does("job.cancelled"));
        }

        _metrics.JobEnded(job.Spec.Kind, KebabCase.Of(job.State.ToString()), job.FinishedAt.ToDateTimeOffset() - job.StartedAt.ToDateTimeOffset());
        _events.Publish(job);
    }

    /// <summary>
    /// Stores the job's end, retrying while the store is unreachable until the node stops (the job is then failed at the next
    /// start). An attempt whose commit went through unacknowledged is not repeated: the stored state is checked first.
    /// </summary>
    private async Task StoreEndAsync(Job job, AuditEntry entry, JobResult? result = null, IEnumerable<ResultRow>? rows = null)
    {
        var delay = TimeSpan.FromSeconds(1);
        for (var retry = false; ; retry = true)
        {
            try
            {
                if (retry && (await _store.GetAsync(job.Id, _stopping.Token))?.State == job.State)
                {
                    return;
                }

                await _store.TransitionAsync(job, entry, _stopping.Token, result, rows);
                return;
            }
            catch (Exception ex) when (StorageFailure.ToStatus(ex) is { } status)
            {
                NodeLog.JobNotStored(_logger, job.Id, "end", status.Status.Detail, delay);
                await Task.Delay(delay, _clock, _stopping.Token);
                delay = delay * 2 < MaxStoreRetry ? delay * 2 : MaxStoreRetry;
            }
        }
    }

    /// <summary>Queues a job whose start could not be stored again after a pause.</summary>
    private async Task RequeueAsync(string jobId)
    {
        try
        {
            await Task.Delay(MaxStoreRetry, _clock, _stopping.Token);
            _queue.Writer.TryWrite(jobId);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SweepAsync()
    {
        using var timer = new PeriodicTimer(SweepInterval, _clock);
        try
        {
            do
            {
                await DisposeExpiredAsync(_stopping.Token);
            }
            while (await timer.WaitForNextTickAsync(_stopping.Token));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>Disposes of every result past its retention, each with a signed disposal record.</summary>
    public async Task DisposeExpiredAsync(CancellationToken cancellationToken)
    {
        foreach (var jobId in await _store.ExpiredResultsAsync(cancellationToken))
        {
            if (await _store.DisposeResultAsync(jobId, Actor.System, "retention-expired", cancellationToken) is { } job)
            {
                _events.Publish(job);
            }
        }
    }
}
