namespace PrivacyNode.Rpc.Server;

/// <summary>Limits and switches for an <see cref="RpcRouter"/>.</summary>
public sealed class RpcServerOptions
{
    /// <summary>Largest request message accepted, after decompression. Default 4 MiB.</summary>
    public int MaxReceiveMessageSize { get; init; } = Rpc.Internal.GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>Largest response message sent; null for no limit.</summary>
    public int? MaxSendMessageSize { get; init; }

    /// <summary>
    /// Longest deadline honoured; a client asking for more gets this. Also the deadline of calls that
    /// send none, when set. Null means calls without <c>grpc-timeout</c> have no deadline.
    /// </summary>
    public TimeSpan? MaxDeadline { get; init; }
}
