namespace PrivacyNode.Crypto.Psi;

/// <summary>The provider's answer: the decrypted count, and the masked plane sums unless the count was below the minimum.</summary>
/// <param name="Count">The number of matched keys, decrypted from the request.</param>
/// <param name="PlaneConstants">Per plane, the constant coefficient of its decryption; null when the count was below the minimum.</param>
public sealed record PsiSumDecryption(long Count, IReadOnlyList<ulong>? PlaneConstants);
