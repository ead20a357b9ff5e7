namespace PrivacyNode.Node.Peers;

/// <summary>What <see cref="PeerStore.RotateAsync"/> did.</summary>
public enum RotateOutcome
{
    Rotated,

    /// <summary>The announced certificate is pinned on this node already, for this or another peer.</summary>
    CertificateTaken,

    /// <summary>The peer's pin changed since the announcement was checked.</summary>
    NotCurrent,
}
