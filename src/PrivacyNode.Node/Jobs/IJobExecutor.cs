using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Node.Jobs;

/// <summary>
/// The requester's side of one job kind. The runner has already moved the job to running and written its
/// <c>job.start</c> record; the executor talks to the provider and returns the result, or throws
/// <see cref="JobFailedException"/>. It must honour the cancellation token (cancel and deadline).
/// </summary>
public interface IJobExecutor
{
    /// <summary>The kind this executor runs, for example <c>row-count</c>.</summary>
    string Kind { get; }

    /// <summary>
    /// At submit, before the job is stored: a reason the spec is unusable for this kind, or null; a usable spec is left in its
    /// canonical form (names as the node spells them), so that the stored spec is exactly what runs. <see cref="RunAsync"/> never
    /// changes the spec.
    /// </summary>
    string? Validate(JobSpec spec);

    Task<JobOutcome> RunAsync(JobRun run, CancellationToken cancellationToken);
}

/// <summary>
/// What a finished job produced: its result, the provider's receipt, and facts for the audit record (sizes, never values). A result
/// of many rows gives them as <paramref name="Rows"/>, made as they are stored, after those in <paramref name="Result"/>.
/// </summary>
public sealed record JobOutcome(JobResult Result, AuditReceipt? PeerReceipt, IReadOnlyDictionary<string, string> AuditDetails, IEnumerable<ResultRow>? Rows = null);
