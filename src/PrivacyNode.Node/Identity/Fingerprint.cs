using System.Security.Cryptography.X509Certificates;
using PrivacyNode.PinnedTls;

namespace PrivacyNode.Node.Identity;

/// <summary>The text form of a certificate fingerprint: <c>sha256:</c> followed by 64 lower-case hex digits.</summary>
public static class Fingerprint
{
    private const string Prefix = "sha256:";

    public static string Format(ReadOnlySpan<byte> fingerprint) => Prefix + CertificateFingerprint.ToHex(fingerprint);

    public static string Of(X509Certificate2 certificate) => Format(CertificateFingerprint.Compute(certificate));

    /// <summary>Parses the text form (hex digits in either case); false for anything else.</summary>
    public static bool TryParse(string? text, out byte[] fingerprint)
    {
        fingerprint = [];
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal) || text.Length != Prefix.Length + (2 * CertificateFingerprint.Size))
        {
            return false;
        }

        try
        {
            fingerprint = Convert.FromHexString(text.AsSpan(Prefix.Length));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
