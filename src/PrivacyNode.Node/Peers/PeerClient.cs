using Grpc.Core;

namespace PrivacyNode.Node.Peers;

/// <summary>
/// Calls a paired peer's services by name over pinned mutual TLS, through the generated clients. A job's stream ends when the
/// peer stays silent for <paramref name="idle"/> (<see cref="IdleStreams"/>).
/// </summary>
public sealed class PeerClient(PeerStore peers, PeerChannels channels, TimeSpan idle, NodeMetrics metrics)
{
    /// <summary>Default time allowed for a control-plane call to a peer.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The paired peer named <paramref name="name"/>.</summary>
    /// <exception cref="RpcException">NOT_FOUND when no such peer is paired.</exception>
    public async Task<PeerRecord> GetPeerAsync(string name, CancellationToken cancellationToken) =>
        await peers.GetAsync(name, cancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No peer named '{name}' is paired. See: privacynode peer list"));

    /// <summary>
    /// Makes the unary call <paramref name="call"/> (on a generated client over the given invoker, with the given options)
    /// to <paramref name="peerName"/>; a failure keeps the peer's status code and names the peer.
    /// </summary>
    public async Task<TResponse> CallAsync<TResponse>(string peerName, Func<CallInvoker, CallOptions, AsyncUnaryCall<TResponse>> call, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var peer = await GetPeerAsync(peerName, cancellationToken);
        try
        {
            var response = await call(channels.Get(peer).CreateCallInvoker(), Options(timeout ?? DefaultTimeout, cancellationToken));
            metrics.Reached(peerName, up: true);
            return response;
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            metrics.Reached(peerName, up: ex.StatusCode is not (StatusCode.Unavailable or StatusCode.DeadlineExceeded));
            throw new RpcException(new Status(ex.StatusCode, $"Peer '{peerName}': {ex.Status.Detail}"), ex.Trailers);
        }
    }

    /// <summary>
    /// Starts the bidirectional stream <paramref name="start"/> to <paramref name="peerName"/>; it ends with
    /// <paramref name="cancellationToken"/>, after <paramref name="timeout"/>, or when the peer is silent for the idle time. Its
    /// messages are counted in the returned traffic.
    /// </summary>
    public async Task<(AsyncDuplexStreamingCall<TRequest, TResponse> Call, NodeMetrics.PeerTraffic Traffic)> StartDuplexAsync<TRequest, TResponse>(string peerName, Func<CallInvoker, CallOptions, AsyncDuplexStreamingCall<TRequest, TResponse>> start, TimeSpan timeout, CancellationToken cancellationToken)
        where TRequest : Google.Protobuf.IMessage
        where TResponse : Google.Protobuf.IMessage
    {
        var peer = await GetPeerAsync(peerName, cancellationToken);
        var traffic = metrics.Traffic(peerName);
        return (IdleStreams.Guard(start(channels.Get(peer).CreateCallInvoker(), Options(timeout, cancellationToken)), idle, traffic), traffic);
    }

    /// <summary>Options for a call that must end within <paramref name="timeout"/>.</summary>
    public static CallOptions Options(TimeSpan timeout, CancellationToken cancellationToken) =>
        new(deadline: DateTime.UtcNow + timeout, cancellationToken: cancellationToken);
}
