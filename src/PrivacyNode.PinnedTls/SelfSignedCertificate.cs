using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PrivacyNode.PinnedTls;

/// <summary>
/// Creates self-signed P-256 certificates usable both as a TLS server and as a TLS client, for peers that
/// trust each other by pinned fingerprint rather than through a certificate authority.
/// </summary>
public static class SelfSignedCertificate
{
    /// <summary>Creates a certificate for <paramref name="commonName"/> with a new key.</summary>
    /// <param name="commonName">The subject CN.</param>
    /// <param name="dnsNames">DNS subject alternative names (for clients that check the host name).</param>
    /// <param name="ipAddresses">IP subject alternative names.</param>
    /// <param name="validity">How long the certificate is valid, starting one hour ago (clock skew).</param>
    /// <returns>The certificate with its private key; the caller owns it.</returns>
    public static X509Certificate2 Create(string commonName, IEnumerable<string> dnsNames, IEnumerable<IPAddress> ipAddresses, TimeSpan validity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Create(key, commonName, dnsNames, ipAddresses, validity);
    }

    /// <summary>Creates a certificate for an existing <paramref name="key"/>.</summary>
    public static X509Certificate2 Create(ECDsa key, string commonName, IEnumerable<string> dnsNames, IEnumerable<IPAddress> ipAddresses, TimeSpan validity)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(commonName);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(commonName);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication"), new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication")], false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames)
        {
            san.AddDnsName(dns);
        }

        foreach (var ip in ipAddresses)
        {
            san.AddIpAddress(ip);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddHours(-1), now + validity);
    }
}
