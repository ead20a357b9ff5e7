using Microsoft.Extensions.Logging;

namespace PrivacyNode.Node;

/// <summary>
/// Every log message of PrivacyNode.Node (event ids 2000–2999). Audit records are separate and not logs.
/// </summary>
internal static partial class NodeLog
{
    [LoggerMessage(EventId = 2000, EventName = "NodeStarted", Level = LogLevel.Information,
        Message = "Node {Name} started: peer endpoint {PeerEndpoint} (mutual TLS, advertised as {Advertised}), local endpoint {LocalEndpoint}, certificate {Fingerprint}.")]
    public static partial void NodeStarted(ILogger logger, string name, string peerEndpoint, string advertised, string localEndpoint, string fingerprint);

    [LoggerMessage(EventId = 2005, EventName = "ConsoleStarted", Level = LogLevel.Information,
        Message = "Web console: {Address} (sign in with a user's token; loopback only).")]
    public static partial void ConsoleStarted(ILogger logger, string address);

    [LoggerMessage(EventId = 2006, EventName = "CrashPointArmed", Level = LogLevel.Warning,
        Message = "This node kills itself at crash point {Point} ({Variable}, for fault tests only).")]
    public static partial void CrashPointArmed(ILogger logger, string point, string variable);

    [LoggerMessage(EventId = 2001, EventName = "NodeStopping", Level = LogLevel.Information, Message = "Node {Name} is shutting down.")]
    public static partial void NodeStopping(ILogger logger, string name);

    [LoggerMessage(EventId = 2002, EventName = "PeersLoaded", Level = LogLevel.Information, Message = "{Count} paired peer(s) loaded.")]
    public static partial void PeersLoaded(ILogger logger, int count);

    [LoggerMessage(EventId = 2010, EventName = "CallFailed", Level = LogLevel.Error, Message = "Call {Method} failed with an unexpected exception; the caller sees UNKNOWN.")]
    public static partial void CallFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 2011, EventName = "CallRefused", Level = LogLevel.Debug, Message = "Call {Method} ended with {StatusCode}: {Detail}")]
    public static partial void CallRefused(ILogger logger, string method, Grpc.Core.StatusCode statusCode, string detail);

    [LoggerMessage(EventId = 2012, EventName = "RefusalNotAudited", Level = LogLevel.Error, Message = "The refusal of call {Method} could not be audited; the refusal was sent anyway.")]
    public static partial void RefusalNotAudited(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 2013, EventName = "CallOutlivedMaxDeadline", Level = LogLevel.Warning, Message = "Call {Method} ran past the endpoint's longest deadline of {MaxDeadline} and was aborted.")]
    public static partial void CallOutlivedMaxDeadline(ILogger logger, string method, TimeSpan maxDeadline);

    [LoggerMessage(EventId = 2014, EventName = "CallEndNotRecorded", Level = LogLevel.Error, Message = "How call {Method} ended could not be recorded; a job it served is recorded as interrupted at the next start.")]
    public static partial void CallEndNotRecorded(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 2100, EventName = "JobCrashed", Level = LogLevel.Error, Message = "Job {JobId} failed unexpectedly")]
    public static partial void JobCrashed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(EventId = 2101, EventName = "JobNotStored", Level = LogLevel.Warning, Message = "Job {JobId}: its {What} could not be stored ({Reason}); trying again in {Delay}.")]
    public static partial void JobNotStored(ILogger logger, string jobId, string what, string reason, TimeSpan delay);
}
