using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace PrivacyNode.PinnedTls.Tests.Infrastructure;

/// <summary>Self-signed certificates made once per test run (never committed).</summary>
public static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> ServerLazy = new(() => Make("test-server"));
    private static readonly Lazy<X509Certificate2> ClientLazy = new(() => Make("test-client"));
    private static readonly Lazy<X509Certificate2> StrangerLazy = new(() => Make("stranger"));

    public static X509Certificate2 Server => ServerLazy.Value;

    public static X509Certificate2 Client => ClientLazy.Value;

    /// <summary>A valid certificate that nobody pinned.</summary>
    public static X509Certificate2 Stranger => StrangerLazy.Value;

    public static Func<X509Certificate2, bool> Pin(X509Certificate2 expected)
    {
        var fingerprint = CertificateFingerprint.Compute(expected);
        return certificate => CertificateFingerprint.Matches(certificate, fingerprint);
    }

    private static X509Certificate2 Make(string name) =>
        SelfSignedCertificate.Create(name, ["localhost"], [IPAddress.Loopback], TimeSpan.FromDays(1));
}
