using System.Security.Cryptography.X509Certificates;

namespace PrivacyNode.Rpc.Client;

/// <summary>Limits and transport security for an <see cref="RpcChannel"/>.</summary>
public sealed class RpcChannelOptions
{
    /// <summary>Largest response message accepted, after decompression. Default 4 MiB.</summary>
    public int MaxReceiveMessageSize { get; init; } = Rpc.Internal.GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>Largest request message sent; null for no limit.</summary>
    public int? MaxSendMessageSize { get; init; }

    /// <summary>The certificate (with private key) presented to servers that ask for one (mutual TLS).</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>
    /// Decides whether the server's certificate is trusted, replacing system chain and name validation
    /// (for pinned certificates). Null means the system's validation.
    /// </summary>
    public Func<X509Certificate2, bool>? ServerCertificateValidator { get; init; }

    /// <summary>How long to wait for a TCP and TLS connection. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The <c>user-agent</c> sent with every call.</summary>
    public string UserAgent { get; init; } = "privacynode-rpc/1";
}
