using PrivacyNode.Rpc.Server;
using PrivacyNode.Testing;

namespace PrivacyNode.Rpc.Tests.Infrastructure;

/// <summary>One EchoService on h2c and one on mutual TLS, shared by a test class.</summary>
public sealed class EchoServerFixture : IAsyncLifetime
{
    public EchoService Service { get; } = new();

    public KestrelTestServer Cleartext { get; private set; } = null!;

    public KestrelTestServer Tls { get; private set; } = null!;

    /// <summary>The server's receive limit used by the size tests.</summary>
    public const int MaxReceiveMessageSize = 4 * 1024 * 1024;

    public async Task InitializeAsync()
    {
        var options = new RpcServerOptions { MaxReceiveMessageSize = MaxReceiveMessageSize };
        Cleartext = await KestrelTestServer.StartAsync(Service.Map(new RpcRouter(options)));
        Tls = await KestrelTestServer.StartAsync(
            Service.Map(new RpcRouter(options)),
            TestCertificates.Server,
            TestCertificates.Pin(TestCertificates.Client));
    }

    public async Task DisposeAsync()
    {
        await Cleartext.DisposeAsync();
        await Tls.DisposeAsync();
    }
}
