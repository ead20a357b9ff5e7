using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace PrivacyNode.PinnedTls;

/// <summary>Kestrel settings for an endpoint that requires a client certificate accepted by the caller's own rule (pinning).</summary>
public static class MutualTls
{
    /// <summary>
    /// HTTPS options that present the certificate returned by <paramref name="serverCertificate"/> (read per
    /// handshake, so it can be rotated) and accept only client certificates that <paramref name="isTrustedClient"/>
    /// approves. The system trust store plays no part. A refused client fails the TLS handshake, so it
    /// never reaches HTTP/2.
    /// </summary>
    public static HttpsConnectionAdapterOptions ServerOptions(Func<X509Certificate2> serverCertificate, Func<X509Certificate2, bool> isTrustedClient)
    {
        ArgumentNullException.ThrowIfNull(serverCertificate);
        ArgumentNullException.ThrowIfNull(isTrustedClient);
        return new HttpsConnectionAdapterOptions
        {
            ServerCertificateSelector = (_, _) => serverCertificate(),
            ClientCertificateMode = ClientCertificateMode.RequireCertificate,
            ClientCertificateValidation = (certificate, _, _) => isTrustedClient(certificate),
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CheckCertificateRevocation = false,
        };
    }
}
