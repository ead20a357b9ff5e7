namespace PrivacyNode.Rpc.Server.Internal;

/// <summary>The response messages of a server- or bidirectional-streaming call; each write is flushed.</summary>
internal sealed class ServerResponseStream<T>(ServerCallContext call, Marshaller<T> marshaller) : IAsyncStreamWriter<T>
{
    public async Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        using var linked = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, call.CancellationToken)
            : null;
        await call.WriteMessageAsync(message, marshaller, flush: true, linked?.Token ?? call.CancellationToken);
    }
}
