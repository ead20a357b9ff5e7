using PrivacyNode.Rpc.Client.Internal;

namespace PrivacyNode.Rpc.Client;

/// <summary>A bidirectional-streaming call in progress; writing and reading may interleave freely.</summary>
/// <remarks>Disposing an unfinished call cancels it.</remarks>
public sealed class AsyncDuplexStreamingCall<TRequest, TResponse> : IDisposable
{
    private readonly IClientCall _call;

    internal AsyncDuplexStreamingCall(IClientCall call, IClientStreamWriter<TRequest> requestStream, IAsyncStreamReader<TResponse> responseStream)
    {
        _call = call;
        RequestStream = requestStream;
        ResponseStream = responseStream;
    }

    /// <summary>Where requests are written; call <see cref="IClientStreamWriter{T}.CompleteAsync"/> when done.</summary>
    public IClientStreamWriter<TRequest> RequestStream { get; }

    /// <summary>The response messages; the final MoveNextAsync throws <see cref="RpcException"/> if the call failed.</summary>
    public IAsyncStreamReader<TResponse> ResponseStream { get; }

    /// <summary>The response headers, once they arrive.</summary>
    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    /// <summary>The final status.</summary>
    /// <exception cref="InvalidOperationException">The call has not completed.</exception>
    public Status GetStatus() => _call.GetStatus();

    /// <summary>The trailing metadata.</summary>
    /// <exception cref="InvalidOperationException">The call has not completed.</exception>
    public Metadata GetTrailers() => _call.GetTrailers();

    /// <inheritdoc />
    public void Dispose() => _call.Dispose();
}
