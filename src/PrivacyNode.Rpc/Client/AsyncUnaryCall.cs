using System.Runtime.CompilerServices;
using PrivacyNode.Rpc.Client.Internal;

namespace PrivacyNode.Rpc.Client;

/// <summary>A unary call in progress. Await it (or <see cref="ResponseAsync"/>) for the response.</summary>
/// <remarks>Disposing an unfinished call cancels it. Thread-safe.</remarks>
public sealed class AsyncUnaryCall<TResponse> : IDisposable
{
    private readonly IClientCall _call;

    internal AsyncUnaryCall(IClientCall call, Task<TResponse> response)
    {
        _call = call;
        ResponseAsync = response;
    }

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
