using PrivacyNode.Rpc;
using PrivacyNode.Rpc.Client;

namespace PrivacyNode.Node.Peers;

/// <summary>Calls a paired peer's services by name over pinned mutual TLS, on behalf of a local call.</summary>
public sealed class PeerClient(PeerStore peers, PeerChannels channels)
{
    /// <summary>Default time allowed for a control-plane call to a peer.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The paired peer named <paramref name="name"/>.</summary>
    /// <exception cref="RpcException">NOT_FOUND when no such peer is paired.</exception>
    public async Task<PeerRecord> GetPeerAsync(string name, CancellationToken cancellationToken) =>
        await peers.GetAsync(name, cancellationToken)
            ?? throw new RpcException(StatusCode.NotFound, $"No peer named '{name}' is paired. See: privacynode peer list");

    /// <summary>Calls <paramref name="method"/> on <paramref name="peerName"/>; a failure keeps the peer's status code and names the peer.</summary>
    public async Task<TResponse> CallAsync<TRequest, TResponse>(string peerName, Method<TRequest, TResponse> method, TRequest request, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var peer = await GetPeerAsync(peerName, cancellationToken);
        try
        {
            return await channels.Get(peer).UnaryAsync(method, request, CallOptions.WithTimeout(timeout ?? DefaultTimeout, cancellationToken: cancellationToken));
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(ex.StatusCode, $"Peer '{peerName}': {ex.Status.Detail}"), ex.Trailers);
        }
    }

    /// <summary>Starts a bidirectional stream to <paramref name="peerName"/>; it ends with <paramref name="cancellationToken"/> or after <paramref name="timeout"/>.</summary>
    public async Task<AsyncDuplexStreamingCall<TRequest, TResponse>> StartDuplexAsync<TRequest, TResponse>(string peerName, Method<TRequest, TResponse> method, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var peer = await GetPeerAsync(peerName, cancellationToken);
        return channels.Get(peer).StartDuplexStreaming(method, CallOptions.WithTimeout(timeout, cancellationToken: cancellationToken));
    }
}
