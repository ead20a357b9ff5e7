using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace PrivacyNode.PinnedTls;

/// <summary>The HTTP/2 client side of pinned mutual TLS, for a <c>GrpcChannel</c>'s <c>HttpHandler</c>.</summary>
public static class PinnedClientHandler
{
    /// <summary>
    /// A handler that presents <paramref name="clientCertificate"/> whatever CA names the server lists, and
    /// trusts the server's certificate exactly when <paramref name="isTrustedServer"/> approves it (system chain
    /// and host name checks play no part). The certificate passed to the rule is valid only during the call.
    /// A connection that fails before any response (a refused handshake above all) surfaces as an
    /// <see cref="HttpRequestException"/> over an <see cref="IOException"/> that says so, which gRPC clients report as UNAVAILABLE.
    /// </summary>
    /// <param name="clientCertificate">This side's certificate with its private key.</param>
    /// <param name="isTrustedServer">The pin check.</param>
    /// <param name="connectTimeout">How long a TCP connection and TLS handshake may take.</param>
    public static HttpMessageHandler Create(X509Certificate2 clientCertificate, Func<X509Certificate2, bool> isTrustedServer, TimeSpan connectTimeout)
    {
        ArgumentNullException.ThrowIfNull(clientCertificate);
        ArgumentNullException.ThrowIfNull(isTrustedServer);
        var handler = KeepAlive(connectTimeout);
        handler.SslOptions = new SslClientAuthenticationOptions
        {
            ClientCertificateContext = SslStreamCertificateContext.Create(clientCertificate, additionalCertificates: null, offline: true),
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is X509Certificate2 full ? isTrustedServer(full) : certificate is not null && isTrustedServer(new X509Certificate2(certificate)),
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        return new HandshakeFailureHandler(handler);
    }

    /// <summary>
    /// A handler for long-lived gRPC connections: several HTTP/2 connections when one's stream limit is reached,
    /// keep-alive pings while calls are active, no proxy, cookies, redirects or automatic decompression.
    /// </summary>
    public static SocketsHttpHandler KeepAlive(TimeSpan connectTimeout) => new()
    {
        EnableMultipleHttp2Connections = true,
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        ConnectTimeout = connectTimeout,
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
    };

    /// <summary>
    /// Turns a connection that failed before any response (a refused TLS handshake above all, however the TLS stack reports it)
    /// into a connection failure that names the peer and says what to check. A stream the server reset carries an HTTP/2 error
    /// code and is left as it is.
    /// </summary>
    private sealed class HandshakeFailureHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException ex) when (Find<HttpProtocolException>(ex) is null)
            {
                var message = Find<AuthenticationException>(ex) is { } refused
                    ? $"The TLS handshake with {request.RequestUri?.Authority} failed: its certificate is not the one pinned for it, or it does not accept this node's certificate ({refused.Message})"
                    : $"The connection to {request.RequestUri?.Authority} failed before the call started: {ex.Message}";
                throw new HttpRequestException(ex.HttpRequestError, message, new IOException(message, ex));
            }
        }

        private static T? Find<T>(Exception? ex)
            where T : Exception
        {
            for (; ex is not null; ex = ex.InnerException)
            {
                if (ex is T found)
                {
                    return found;
                }
            }

            return null;
        }
    }
}
