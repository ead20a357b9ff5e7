using Google.Protobuf;
using Grpc.Core;

namespace PrivacyNode.Node.Jobs;

/// <summary>
/// A duplex call to one provider as a job drives it. Failures name the provider; a message of another case than
/// expected, or the call ending early, fails the job as a peer protocol error; the bytes each way are the call's
/// <see cref="NodeMetrics.PeerTraffic"/>. One receive at a time, which a send may
/// overlap. When a send fails because the provider ended the call (a refusal, say), the provider's status is what the
/// caller sees, not the broken send; a send the broken connection fails is UNAVAILABLE.
/// </summary>
public sealed class PeerCall<TRequest, TResponse, TCase>(string peer, (AsyncDuplexStreamingCall<TRequest, TResponse> Call, NodeMetrics.PeerTraffic Traffic) stream, Func<TResponse, TCase> caseOf) : IDisposable
    where TRequest : IMessage
    where TResponse : class, IMessage
    where TCase : struct, Enum
{
    private readonly AsyncDuplexStreamingCall<TRequest, TResponse> _call = stream.Call;
    private volatile Task<bool>? _reading;

    public string Peer => peer;

    public long BytesSent => stream.Traffic.BytesSent;

    public long BytesReceived => stream.Traffic.BytesReceived;

    public async Task SendAsync(TRequest message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await _call.RequestStream.WriteAsync(message, cancellationToken);
        }
        catch (Exception ex) when (ex is RpcException or IOException)
        {
            throw Named(await StatusAfterFailedSendAsync(AsStatus(ex), cancellationToken));
        }
    }

    public async Task CompleteAsync()
    {
        try
        {
            await _call.RequestStream.CompleteAsync();
        }
        catch (Exception ex) when (ex is RpcException or IOException)
        {
            throw Named(AsStatus(ex));
        }
    }

    /// <summary>The next message, of case <paramref name="expected"/> unless that is null.</summary>
    /// <exception cref="JobFailedException">peer-protocol-error: the call ended, or the message is of another case.</exception>
    /// <exception cref="RpcException">The call failed; the status names the provider.</exception>
    public async Task<TResponse> ReceiveAsync(TCase? expected, CancellationToken cancellationToken)
    {
        bool more;
        try
        {
            more = await (_reading = _call.ResponseStream.MoveNext(cancellationToken));
        }
        catch (RpcException ex)
        {
            throw Named(ex);
        }

        if (!more)
        {
            throw new JobFailedException("peer-protocol-error", $"Peer '{peer}' ended the call before sending {expected?.ToString() ?? "the rest"}.");
        }

        var received = _call.ResponseStream.Current;
        return expected is null || caseOf(received).Equals(expected.Value)
            ? received
            : throw new JobFailedException("peer-protocol-error", $"Peer '{peer}' sent {caseOf(received)}, not {expected}.");
    }

    public void Dispose() => _call.Dispose();

    /// <summary>The call's status as reading it reveals: from the receive in flight, or by reading to the end here.</summary>
    private async Task<RpcException> StatusAfterFailedSendAsync(RpcException sendFailure, CancellationToken cancellationToken)
    {
        try
        {
            if (_reading is { IsCompleted: false } reading)
            {
                await reading;
            }
            else
            {
                while (await _call.ResponseStream.MoveNext(cancellationToken))
                {
                }
            }
        }
        catch (RpcException ended)
        {
            return ended;
        }

        return sendFailure;
    }

    /// <summary>A failed send as a status: the connection breaking under a send (the provider's process gone, say) is UNAVAILABLE.</summary>
    private static RpcException AsStatus(Exception ex) =>
        ex as RpcException ?? new RpcException(new Status(StatusCode.Unavailable, $"The connection broke while sending: {ex.Message}", ex));

    private RpcException Named(RpcException ex) => new(new Status(ex.StatusCode, $"Peer '{peer}': {ex.Status.Detail}"), ex.Trailers);
}
