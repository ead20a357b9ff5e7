using Microsoft.Extensions.Logging;

namespace PrivacyNode.Node;

/// <summary>
/// Every log message of PrivacyNode.Node (event ids 2000–2999; PrivacyNode.Rpc has 1000–1999). Audit records are separate and not logs.
/// </summary>
internal static partial class NodeLog
{
    [LoggerMessage(EventId = 2000, EventName = "NodeStarted", Level = LogLevel.Information,
        Message = "Node {Name} started: peer endpoint {PeerEndpoint} (mutual TLS, advertised as {Advertised}), local endpoint {LocalEndpoint}, certificate {Fingerprint}.")]
    public static partial void NodeStarted(ILogger logger, string name, string peerEndpoint, string advertised, string localEndpoint, string fingerprint);

    [LoggerMessage(EventId = 2001, EventName = "NodeStopping", Level = LogLevel.Information, Message = "Node {Name} is shutting down.")]
    public static partial void NodeStopping(ILogger logger, string name);

    [LoggerMessage(EventId = 2002, EventName = "PeersLoaded", Level = LogLevel.Information, Message = "{Count} paired peer(s) loaded.")]
    public static partial void PeersLoaded(ILogger logger, int count);

    [LoggerMessage(EventId = 2100, EventName = "JobCrashed", Level = LogLevel.Error, Message = "Job {JobId} failed unexpectedly")]
    public static partial void JobCrashed(ILogger logger, Exception exception, string jobId);
}
