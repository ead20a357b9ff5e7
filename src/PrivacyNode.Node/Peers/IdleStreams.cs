using Google.Protobuf;
using Grpc.Core;

namespace PrivacyNode.Node.Peers;

/// <summary>
/// A peer's streams with a limit on silence: a read that receives no message, or a write the peer does not take, within the
/// idle time ends the call with DEADLINE_EXCEEDED naming the limit, so a peer that stalls while its connection stays up
/// (modified software, a frozen process, a black-holed route) frees the job and its memory long before the job's deadline.
/// Keepalive pings cover a dead connection; this covers a live one that says nothing. Each message passes a <see cref="CrashPoint"/>
/// and is counted in the peer's <see cref="NodeMetrics.PeerTraffic"/>.
/// </summary>
public static class IdleStreams
{
    /// <summary>The requester's side of a job call: <paramref name="call"/> with both its streams under <paramref name="idle"/>, counted in <paramref name="traffic"/>.</summary>
    public static AsyncDuplexStreamingCall<TRequest, TResponse> Guard<TRequest, TResponse>(AsyncDuplexStreamingCall<TRequest, TResponse> call, TimeSpan idle, NodeMetrics.PeerTraffic traffic)
        where TRequest : IMessage
        where TResponse : IMessage
    {
        ArgumentNullException.ThrowIfNull(call);
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(
            new ClientWriter<TRequest>(call.RequestStream, idle, traffic), new Reader<TResponse>(call.ResponseStream, idle, traffic),
            call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    /// <summary>The provider's side of a job call: what the requester sends and what it is sent, under <paramref name="idle"/>, counted in <paramref name="traffic"/>.</summary>
    public static (IAsyncStreamReader<TRequest> Requests, IServerStreamWriter<TResponse> Responses) Guard<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requests, IServerStreamWriter<TResponse> responses, TimeSpan idle, NodeMetrics.PeerTraffic traffic)
        where TRequest : IMessage
        where TResponse : IMessage => (new Reader<TRequest>(requests, idle, traffic), new ServerWriter<TResponse>(responses, idle, traffic));

    private static RpcException Stalled(TimeSpan idle, string what) =>
        new(new Status(StatusCode.DeadlineExceeded, $"The peer {what} for {idle.TotalSeconds:0} s (Node:Jobs:PeerIdleSeconds); the call was ended."));

    /// <summary>Runs <paramref name="operation"/> with a token that also fires after <paramref name="idle"/>; that firing is a stall.</summary>
    private static async Task<TResult> WithinAsync<TResult>(TimeSpan idle, string what, Func<CancellationToken, Task<TResult>> operation, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(idle);
        try
        {
            return await operation(limit.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled } or IOException
            && limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw Stalled(idle, what);
        }
    }

    private sealed class Reader<T>(IAsyncStreamReader<T> inner, TimeSpan idle, NodeMetrics.PeerTraffic traffic) : IAsyncStreamReader<T>
        where T : IMessage
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            var more = await WithinAsync(idle, "sent nothing", inner.MoveNext, cancellationToken);
            if (more)
            {
                traffic.Received(inner.Current);
                CrashPoint.PassMessage("received", inner.Current);
            }

            return more;
        }
    }

    private class Writer<T>(IAsyncStreamWriter<T> inner, TimeSpan idle, NodeMetrics.PeerTraffic traffic) : IAsyncStreamWriter<T>
        where T : IMessage
    {
        public WriteOptions? WriteOptions
        {
            get => inner.WriteOptions;
            set => inner.WriteOptions = value;
        }

        public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

        public Task WriteAsync(T message, CancellationToken cancellationToken) =>
            WithinAsync(idle, "took nothing we sent", async token =>
            {
                await inner.WriteAsync(message, token);
                traffic.Sent(message);
                CrashPoint.PassMessage("sent", message);
                return true;
            }, cancellationToken);
    }

    private sealed class ClientWriter<T>(IClientStreamWriter<T> inner, TimeSpan idle, NodeMetrics.PeerTraffic traffic) : Writer<T>(inner, idle, traffic), IClientStreamWriter<T>
        where T : IMessage
    {
        public Task CompleteAsync() => inner.CompleteAsync();
    }

    private sealed class ServerWriter<T>(IServerStreamWriter<T> inner, TimeSpan idle, NodeMetrics.PeerTraffic traffic) : Writer<T>(inner, idle, traffic), IServerStreamWriter<T>
        where T : IMessage;
}
