using Grpc.Core;

namespace PrivacyNode.Node.Endpoints;

/// <summary>What an <see cref="EndpointInterceptor"/> enforces on its endpoint.</summary>
public sealed class EndpointRules
{
    /// <summary>Runs before every call's handler; throws an <see cref="RpcException"/> to refuse the call.</summary>
    public required Func<ServerCallContext, ValueTask> Authorize { get; init; }

    /// <summary>Records a refused call (by the authorizer or the handler) before its status is sent; null records nothing.</summary>
    public Func<ServerCallContext, RpcException, ValueTask>? Refused { get; init; }

    /// <summary>
    /// Runs when a call ends in an exception, whatever it is (a refusal, a failure, the caller gone), before its status is sent, so
    /// that state the handler kept for the call can record how it ended; null does nothing.
    /// </summary>
    public Func<ServerCallContext, Exception, ValueTask>? Ended { get; init; }

    /// <summary>
    /// Turns an exception the handler did not expect into the status the caller should see, when it names a state of the machine
    /// (a full disk, a database restarting) rather than a bug; null, or a null answer, keeps the generic UNKNOWN.
    /// </summary>
    public Func<Exception, RpcException?>? Translate { get; init; }

    /// <summary>The longest a call may run, whatever deadline the caller sent; null for no limit.</summary>
    public TimeSpan? MaxDeadline { get; init; }
}
