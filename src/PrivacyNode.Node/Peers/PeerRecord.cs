namespace PrivacyNode.Node.Peers;

/// <summary>A paired node as stored: where to reach it and which certificate(s) to accept from it.</summary>
/// <param name="Name">The peer's node name.</param>
/// <param name="Address">Its peer endpoint, <c>host:port</c>.</param>
/// <param name="Fingerprint">SHA-256 of its current certificate.</param>
/// <param name="PreviousFingerprint">Its certificate before the last rotation, still accepted until <paramref name="PreviousValidUntil"/>.</param>
/// <param name="PreviousValidUntil">End of the rotation grace period.</param>
/// <param name="AddedAt">When it was paired.</param>
/// <param name="AddedBy">The user who paired it.</param>
/// <param name="RotatedAt">When it last rotated its certificate by announcement.</param>
public sealed record PeerRecord(
    string Name,
    string Address,
    byte[] Fingerprint,
    byte[]? PreviousFingerprint,
    DateTimeOffset? PreviousValidUntil,
    DateTimeOffset AddedAt,
    string AddedBy,
    DateTimeOffset? RotatedAt)
{
    /// <summary>Whether <paramref name="fingerprint"/> identifies this peer at <paramref name="now"/>.</summary>
    public bool Accepts(ReadOnlySpan<byte> fingerprint, DateTimeOffset now) =>
        fingerprint.SequenceEqual(Fingerprint)
        || (PreviousFingerprint is not null && now < PreviousValidUntil && fingerprint.SequenceEqual(PreviousFingerprint));
}
