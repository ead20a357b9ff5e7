namespace PrivacyNode.Rpc.Server.Internal;

/// <summary>The request messages of a client- or bidirectional-streaming call.</summary>
internal sealed class ServerRequestStream<T>(ServerCallContext call, Marshaller<T> marshaller) : IAsyncStreamReader<T>
{
    private T? _current;

    public T Current => _current ?? throw new InvalidOperationException("No current message: call MoveNextAsync first.");

    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default)
    {
        using var linked = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, call.CancellationToken)
            : null;
        var (hasMessage, message) = await call.RequestReader.ReadAsync(marshaller, linked?.Token ?? call.CancellationToken);
        _current = message;
        return hasMessage;
    }
}
