using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PrivacyNode.PinnedTls;

/// <summary>SHA-256 fingerprints of certificates, the unit of trust between pinned peers.</summary>
public static class CertificateFingerprint
{
    /// <summary>The size of a fingerprint in bytes.</summary>
    public const int Size = 32;

    /// <summary>SHA-256 over the DER encoding of <paramref name="certificate"/>.</summary>
    public static byte[] Compute(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return SHA256.HashData(certificate.RawData);
    }

    /// <summary>Whether <paramref name="certificate"/> has fingerprint <paramref name="expected"/> (fixed-time comparison).</summary>
    public static bool Matches(X509Certificate2 certificate, ReadOnlySpan<byte> expected) =>
        CryptographicOperations.FixedTimeEquals(Compute(certificate), expected);

    /// <summary>The fingerprint as lower-case hex.</summary>
    public static string ToHex(ReadOnlySpan<byte> fingerprint) => Convert.ToHexStringLower(fingerprint);
}
