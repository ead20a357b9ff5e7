using PrivacyNode.Rpc.Client;
using PrivacyNode.Rpc.Tests.Infrastructure;
using PrivacyNode.Rpc.Tests.Protos;

namespace PrivacyNode.Rpc.Tests;

/// <summary>The shared call tests over mutual TLS with pinned certificates, plus the handshake failures.</summary>
public sealed class MutualTlsCallTests(EchoServerFixture fixture) : OurServerCallTests(fixture), IClassFixture<EchoServerFixture>
{
    protected override RpcChannel CreateChannel(RpcChannelOptions? options = null) =>
        new(Fixture.Tls.Address, new RpcChannelOptions
        {
            MaxReceiveMessageSize = options?.MaxReceiveMessageSize ?? 4 * 1024 * 1024,
            MaxSendMessageSize = options?.MaxSendMessageSize,
            ClientCertificate = TestCertificates.Client,
            ServerCertificateValidator = TestCertificates.Pin(TestCertificates.Server),
        });

    [Fact]
    public async Task MutualTls_ClientCertificate_ReachesTheHandler()
    {
        using var channel = CreateChannel();

        var response = await channel.UnaryAsync(EchoMethods.Echo, new EchoRequest());

        Assert.Equal(TestCertificates.Client.Subject, response.ClientCertificateSubject);
    }

    [Fact]
    public async Task MutualTls_NoClientCertificate_IsUnavailable()
    {
        using var channel = new RpcChannel(Fixture.Tls.Address, new RpcChannelOptions
        {
            ServerCertificateValidator = TestCertificates.Pin(TestCertificates.Server),
        });

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Echo, new EchoRequest()));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    [Fact]
    public async Task MutualTls_UnpinnedClientCertificate_IsUnavailable()
    {
        using var channel = new RpcChannel(Fixture.Tls.Address, new RpcChannelOptions
        {
            ClientCertificate = TestCertificates.Stranger,
            ServerCertificateValidator = TestCertificates.Pin(TestCertificates.Server),
        });

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Echo, new EchoRequest()));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    [Fact]
    public async Task MutualTls_WrongServerPin_IsUnavailable()
    {
        using var channel = new RpcChannel(Fixture.Tls.Address, new RpcChannelOptions
        {
            ClientCertificate = TestCertificates.Client,
            ServerCertificateValidator = TestCertificates.Pin(TestCertificates.Stranger),
        });

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Echo, new EchoRequest()));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }
}
