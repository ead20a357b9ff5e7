using PrivacyNode.Crypto.Rlwe;

namespace PrivacyNode.Crypto.Bfv;

/// <summary>One key-switching key for one data prime: (b, a) at the key level in NTT form, a expanded from <see cref="Seed"/>.</summary>
internal sealed record SwitchingKey(RnsPolynomial B, RnsPolynomial A, byte[] Seed);
