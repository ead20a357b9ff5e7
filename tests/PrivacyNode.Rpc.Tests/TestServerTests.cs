using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using PrivacyNode.Rpc.Client;
using PrivacyNode.Rpc.Server;
using PrivacyNode.Rpc.Tests.Infrastructure;
using PrivacyNode.Rpc.Tests.Protos;

namespace PrivacyNode.Rpc.Tests;

/// <summary>The router on ASP.NET Core's in-memory TestServer: handy for protocol checks that need HTTP/1.1.</summary>
public sealed class TestServerTests : IAsyncLifetime
{
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        _app = builder.Build();
        var router = new EchoService().Map(new RpcRouter());
        _app.Run(router.HandleAsync);
        await _app.StartAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Http11Request_Is426WithInternalStatus()
    {
        using var client = _app.GetTestServer().CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/privacynode.testing.v1.EchoService/Echo")
        {
            Version = HttpVersion.Version11,
            Content = new ByteArrayContent(Wire.MessageReaderTests.Frame(new EchoRequest())),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Equal("13", response.Headers.GetValues("grpc-status").Single());
    }

    [Fact]
    public async Task OurClient_OverTestServerHandler_Works()
    {
        using var channel = new RpcChannel(new Uri("http://localhost"), _app.GetTestServer().CreateHandler());

        var response = await channel.UnaryAsync(EchoMethods.Echo, new EchoRequest { Text = "in memory" });
        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Unmapped, new EchoRequest()));

        Assert.Equal("in memory", response.Text);
        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }
}
