using System.Net;

namespace PrivacyNode.Rpc.Client.Internal;

/// <summary>
/// A request body written message by message while the call runs. The handler calls
/// <see cref="SerializeToStreamAsync(Stream, TransportContext?, CancellationToken)"/> once the request
/// headers are sent; writers wait for that stream, and the body ends when <see cref="Complete"/> is called.
/// </summary>
internal sealed class StreamingRequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StreamingRequestContent()
    {
        Headers.TryAddWithoutValidation("content-type", Rpc.Internal.GrpcProtocol.ContentType);
    }

    /// <summary>The request body stream, once the transport has opened it.</summary>
    public Task<Stream> GetStreamAsync(CancellationToken cancellationToken) => _stream.Task.WaitAsync(cancellationToken);

    /// <summary>Ends the request body (END_STREAM).</summary>
    public void Complete() => _done.TrySetResult();

    /// <summary>Abandons the body; pending and later writers fail.</summary>
    public void Abort()
    {
        _stream.TrySetCanceled();
        _done.TrySetCanceled();
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _stream.TrySetResult(stream);
        await _done.Task.WaitAsync(cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
