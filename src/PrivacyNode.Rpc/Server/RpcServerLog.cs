using Microsoft.Extensions.Logging;

namespace PrivacyNode.Rpc.Server;

/// <summary>Log messages of the RPC server (event ids 1000–1099).</summary>
internal static partial class RpcServerLog
{
    [LoggerMessage(EventId = 1000, EventName = "HandlerFailed", Level = LogLevel.Error, Message = "Call {Method} failed with an unexpected exception; the client sees UNKNOWN.")]
    public static partial void HandlerFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 1001, EventName = "RpcExceptionThrown", Level = LogLevel.Debug, Message = "Call {Method} ended with {StatusCode}: {Detail}")]
    public static partial void RpcExceptionThrown(ILogger logger, string method, StatusCode statusCode, string detail);

    [LoggerMessage(EventId = 1002, EventName = "DeadlineExceeded", Level = LogLevel.Debug, Message = "Call {Method} exceeded its deadline.")]
    public static partial void DeadlineExceeded(ILogger logger, string method);

    [LoggerMessage(EventId = 1003, EventName = "CallCancelledByClient", Level = LogLevel.Information, Message = "Call {Method} was cancelled by the client.")]
    public static partial void CallCancelledByClient(ILogger logger, string method);

    [LoggerMessage(EventId = 1004, EventName = "UnimplementedMethod", Level = LogLevel.Information, Message = "Call to unimplemented method {Path}.")]
    public static partial void UnimplementedMethod(ILogger logger, string path);

    [LoggerMessage(EventId = 1005, EventName = "RequestRejected", Level = LogLevel.Debug, Message = "Request to {Path} is not gRPC: {What} {Value}.")]
    public static partial void RequestRejected(ILogger logger, string? path, string what, string? value);

    [LoggerMessage(EventId = 1006, EventName = "DeadlineCompletionFailed", Level = LogLevel.Warning, Message = "Could not send DEADLINE_EXCEEDED for call {Method}.")]
    public static partial void DeadlineCompletionFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 1007, EventName = "RefusalHookFailed", Level = LogLevel.Error, Message = "The refusal hook failed for call {Method}; the refusal was sent anyway.")]
    public static partial void RefusalHookFailed(ILogger logger, string method, Exception exception);
}
