using PrivacyNode.Rpc.Client.Internal;

namespace PrivacyNode.Rpc.Client;

/// <summary>A server-streaming call in progress: read <see cref="ResponseStream"/> to its end.</summary>
/// <remarks>Disposing an unfinished call cancels it.</remarks>
public sealed class AsyncServerStreamingCall<TResponse> : IDisposable
{
    private readonly IClientCall _call;

    internal AsyncServerStreamingCall(IClientCall call, IAsyncStreamReader<TResponse> responseStream)
    {
        _call = call;
        ResponseStream = responseStream;
    }

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
