using Microsoft.Extensions.Logging;

namespace PrivacyNode.Node.Jobs;

internal static partial class JobLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Error, Message = "Job {JobId} failed unexpectedly")]
    public static partial void JobCrashed(ILogger logger, Exception exception, string jobId);
}
