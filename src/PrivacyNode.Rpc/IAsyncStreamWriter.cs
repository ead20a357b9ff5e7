namespace PrivacyNode.Rpc;

/// <summary>Writes a stream of messages. Not thread-safe: one write at a time.</summary>
/// <typeparam name="T">The message type.</typeparam>
public interface IAsyncStreamWriter<in T>
{
    /// <summary>Sends one message; completes once it is handed to the transport (flow control applies).</summary>
    /// <exception cref="RpcException">The call has already completed.</exception>
    /// <exception cref="InvalidOperationException">Another write is in progress.</exception>
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}
