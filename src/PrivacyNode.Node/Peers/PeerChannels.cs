using System.Collections.Concurrent;
using Grpc.Net.Client;
using PrivacyNode.Node.Identity;
using PrivacyNode.PinnedTls;

namespace PrivacyNode.Node.Peers;

/// <summary>
/// Outgoing connections to peers: mutual TLS with this node's certificate, accepting only the server
/// certificate pinned for that peer. Channels are reused until the peer's pin or this node's identity changes.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class PeerChannels(NodeIdentity identity, TimeProvider clock, int maxMessageBytes) : IDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, (string Key, GrpcChannel Channel)> _channels = new(StringComparer.Ordinal);

    /// <summary>A channel to <paramref name="peer"/> (shared; do not dispose).</summary>
    public GrpcChannel Get(PeerRecord peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var key = $"{peer.Address}|{Convert.ToHexString(peer.Fingerprint)}|{identity.Fingerprint}";
        while (true)
        {
            if (_channels.TryGetValue(peer.Name, out var existing))
            {
                if (existing.Key == key)
                {
                    return existing.Channel;
                }

                if (_channels.TryRemove(new KeyValuePair<string, (string, GrpcChannel)>(peer.Name, existing)))
                {
                    existing.Channel.Dispose();
                }

                continue;
            }

            var created = Create(peer, null);
            if (_channels.TryAdd(peer.Name, (key, created)))
            {
                return created;
            }

            created.Dispose();
        }
    }

    /// <summary>A new, unshared channel that reports the fingerprint of the server certificate it sees (for diagnostics); the caller disposes it.</summary>
    public GrpcChannel CreateProbe(PeerRecord peer, Action<byte[]> onServerFingerprint) => Create(peer, onServerFingerprint);

    /// <summary>Drops all channels; the next calls reconnect (after this node's certificate changed).</summary>
    public void Reset()
    {
        foreach (var name in _channels.Keys)
        {
            if (_channels.TryRemove(name, out var entry))
            {
                entry.Channel.Dispose();
            }
        }
    }

    public void Dispose() => Reset();

    private GrpcChannel Create(PeerRecord peer, Action<byte[]>? onServerFingerprint)
    {
        var handler = PinnedClientHandler.Create(identity.Certificate, certificate =>
        {
            // The certificate is only valid during this callback: keep its fingerprint, not the object.
            var fingerprint = CertificateFingerprint.Compute(certificate);
            onServerFingerprint?.Invoke(fingerprint);
            return peer.Accepts(fingerprint, clock.GetUtcNow());
        }, ConnectTimeout);
        return GrpcChannel.ForAddress("https://" + peer.Address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = maxMessageBytes,
            MaxSendMessageSize = maxMessageBytes,
        });
    }
}
