using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PrivacyNode.Testing;

namespace PrivacyNode.PinnedTls.Tests.Infrastructure;

/// <summary>One EchoService on h2c and one on pinned mutual TLS, shared by a test class.</summary>
public sealed class EchoServerFixture : IAsyncLifetime
{
    public EchoServer Service { get; } = new();

    public KestrelTestServer Cleartext { get; private set; } = null!;

    public KestrelTestServer Tls { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cleartext = await KestrelTestServer.StartAsync(Register, Map);
        Tls = await KestrelTestServer.StartAsync(Register, Map, TestCertificates.Server, TestCertificates.Pin(TestCertificates.Client));
    }

    public async Task DisposeAsync()
    {
        await Cleartext.DisposeAsync();
        await Tls.DisposeAsync();
    }

    private void Register(IServiceCollection services) => services.AddSingleton(Service);

    private static void Map(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder endpoints) => endpoints.MapGrpcService<EchoServer>();
}
