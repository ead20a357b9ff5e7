using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using PrivacyNode.PinnedTls;

namespace PrivacyNode.Testing;

/// <summary>Call options and channels that tests use to talk to nodes the way a peer or a local tool would.</summary>
public static class TestCalls
{
    /// <summary>Options with a deadline <paramref name="timeout"/> from now, and <paramref name="headers"/>.</summary>
    public static CallOptions Within(TimeSpan timeout, Metadata? headers = null, CancellationToken cancellationToken = default) =>
        new(headers, DateTime.UtcNow + timeout, cancellationToken);

    /// <summary>A channel to a peer endpoint presenting <paramref name="clientCertificate"/> and trusting the server certificate <paramref name="isTrustedServer"/> accepts.</summary>
    public static GrpcChannel MutualTls(Uri address, X509Certificate2 clientCertificate, Func<X509Certificate2, bool> isTrustedServer, int? maxReceiveMessageSize = null) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = PinnedClientHandler.Create(clientCertificate, isTrustedServer, TimeSpan.FromSeconds(10)),
            DisposeHttpClient = true,
            MaxReceiveMessageSize = maxReceiveMessageSize,
        });
}
