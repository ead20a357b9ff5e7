using System.Security.Cryptography.X509Certificates;
using PrivacyNode.PinnedTls;

namespace PrivacyNode.Node.Peers;

/// <summary>
/// The in-memory view of the pinned peers that the peer endpoint consults on every TLS handshake and
/// every call. Reloaded from the <see cref="PeerStore"/> after each change.
/// </summary>
/// <remarks>Thread-safe: readers see one complete snapshot.</remarks>
public sealed class PeerPins(PeerStore store, TimeProvider clock)
{
    private IReadOnlyList<PeerRecord> _peers = [];

    /// <summary>Reloads the pins from the store.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _peers, await store.ListAsync(cancellationToken));
    }

    /// <summary>The peer whose pinned certificate is <paramref name="certificate"/>, or null.</summary>
    public PeerRecord? Identify(X509Certificate2 certificate) => Identify(CertificateFingerprint.Compute(certificate));

    /// <summary>The peer whose pinned certificate has <paramref name="fingerprint"/>, or null.</summary>
    public PeerRecord? Identify(byte[] fingerprint)
    {
        var now = clock.GetUtcNow();
        foreach (var peer in Volatile.Read(ref _peers))
        {
            if (peer.Accepts(fingerprint, now))
            {
                return peer;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="certificate"/> belongs to a paired peer: the TLS handshake rule.</summary>
    public bool IsPinned(X509Certificate2 certificate) => Identify(certificate) is not null;
}
