using Google.Protobuf.WellKnownTypes;
using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Node.Jobs;

/// <summary>A running job as its executor sees it: the job, this node's receipt for its start, and a progress reporter.</summary>
public sealed class JobRun(Job job, AuditReceipt startReceipt, Func<Job, Task> publish)
{
    public Job Job { get; } = job;

    /// <summary>This node's signed record of starting the job, to present to the provider.</summary>
    public AuditReceipt StartReceipt { get; } = startReceipt;

    /// <summary>Reports progress (0 to 1) and what the job is doing.</summary>
    public Task ReportAsync(double progress, string stage)
    {
        Job.Progress = Math.Clamp(progress, 0, 1);
        Job.Stage = stage;
        return publish(Job);
    }

    /// <summary>Stamps the time on <see cref="Job"/>.</summary>
    internal static Timestamp Now(TimeProvider clock) => Timestamp.FromDateTimeOffset(clock.GetUtcNow());
}
