using System.Runtime.CompilerServices;
using PrivacyNode.Rpc.Client.Internal;

namespace PrivacyNode.Rpc.Client;

/// <summary>A client-streaming call in progress: write requests, complete the stream, await the response.</summary>
/// <remarks>Disposing an unfinished call cancels it.</remarks>
public sealed class AsyncClientStreamingCall<TRequest, TResponse> : IDisposable
{
    private readonly IClientCall _call;

    internal AsyncClientStreamingCall(IClientCall call, IClientStreamWriter<TRequest> requestStream, Task<TResponse> response)
    {
        _call = call;
        RequestStream = requestStream;
        ResponseAsync = response;
    }

    /// <summary>Where requests are written; call <see cref="IClientStreamWriter{T}.CompleteAsync"/> when done.</summary>
    public IClientStreamWriter<TRequest> RequestStream { get; }

    /// <summary>The response; faults with <see cref="RpcException"/> if the call fails.</summary>
    public Task<TResponse> ResponseAsync { get; }

    /// <summary>The response headers, once they arrive.</summary>
    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    /// <summary>Lets the call be awaited directly.</summary>
    public TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();

    /// <summary>The final status.</summary>
    /// <exception cref="InvalidOperationException">The call has not completed.</exception>
    public Status GetStatus() => _call.GetStatus();

    /// <summary>The trailing metadata.</summary>
    /// <exception cref="InvalidOperationException">The call has not completed.</exception>
    public Metadata GetTrailers() => _call.GetTrailers();

    /// <inheritdoc />
    public void Dispose() => _call.Dispose();
}
