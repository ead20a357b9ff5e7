namespace PrivacyNode.Node.Peers;

/// <summary>What <see cref="PeerStore.AddAsync"/> did.</summary>
public enum AddPeerOutcome
{
    Added,
    Replaced,
    NameTaken,
    CertificateTaken,
}
