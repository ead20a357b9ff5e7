using Grpc.Core;
using Grpc.Net.Client;
using PrivacyNode.PinnedTls.Tests.Infrastructure;
using PrivacyNode.PinnedTls.Tests.Protos;

namespace PrivacyNode.PinnedTls.Tests;

/// <summary>
/// Kestrel with <see cref="MutualTls.ServerOptions"/> against Grpc.Net.Client on <see cref="PinnedClientHandler"/>: calls
/// of every shape over pinned mutual TLS, and each way the handshake must fail.
/// </summary>
public sealed class MutualTlsCallTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>
{
    [Fact]
    public async Task ClientCertificate_ReachesTheHandler()
    {
        using var channel = Connect(TestCertificates.Client, TestCertificates.Server);

        var response = await new EchoService.EchoServiceClient(channel).EchoAsync(new EchoRequest { Text = "hi" });

        Assert.Equal("hi", response.Text);
        Assert.Equal(TestCertificates.Client.Subject, response.ClientCertificateSubject);
    }

    [Fact]
    public async Task EveryCallShape_WorksOverPinnedTls()
    {
        using var channel = Connect(TestCertificates.Client, TestCertificates.Server);
        var client = new EchoService.EchoServiceClient(channel);

        using var generate = client.Generate(new GenerateRequest { Count = 16, Size = 65536 });
        var received = 0;
        await foreach (var message in generate.ResponseStream.ReadAllAsync())
        {
            Assert.True(message.Payload.Span.SequenceEqual(EchoServer.Pattern(65536)));
            received++;
        }

        using var sum = client.Sum();
        for (var i = 0; i < 50; i++)
        {
            await sum.RequestStream.WriteAsync(new EchoRequest { Payload = Google.Protobuf.ByteString.CopyFrom(new byte[1000]) });
        }

        await sum.RequestStream.CompleteAsync();
        var total = await sum;

        using var chat = client.Chat();
        await chat.RequestStream.WriteAsync(new EchoRequest { Text = "one" });
        Assert.True(await chat.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal("one", chat.ResponseStream.Current.Text);
        await chat.RequestStream.CompleteAsync();
        Assert.False(await chat.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(16, received);
        Assert.Equal("1048576", generate.GetTrailers().GetValue("total-bytes"));
        Assert.Equal((50, 50_000), (total.Count, total.Bytes));
    }

    [Fact]
    public async Task NoClientCertificate_IsUnavailable()
    {
        var handler = PinnedClientHandler.KeepAlive(TimeSpan.FromSeconds(10));
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null;
        using var channel = GrpcChannel.ForAddress(fixture.Tls.Address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await new EchoService.EchoServiceClient(channel).EchoAsync(new EchoRequest()));

        // A plain handler sees the server's TLS 1.3 refusal as an alert during the handshake (Grpc.Net.Client: INTERNAL) or as a
        // broken connection on the first read (UNAVAILABLE), by timing; the node's own handler reports both as UNAVAILABLE.
        Assert.Contains(ex.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
    }

    [Fact]
    public async Task UnpinnedClientCertificate_IsUnavailable()
    {
        using var channel = Connect(TestCertificates.Stranger, TestCertificates.Server);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await new EchoService.EchoServiceClient(channel).EchoAsync(new EchoRequest()));

        Assert.True(ex.StatusCode == StatusCode.Unavailable, ex.ToString());
    }

    [Fact]
    public async Task WrongServerPin_IsUnavailable_AndNamesTheRejectedCertificate()
    {
        using var channel = Connect(TestCertificates.Client, TestCertificates.Stranger);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await new EchoService.EchoServiceClient(channel).EchoAsync(new EchoRequest()));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Contains("certificate", ex.Status.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RequestOverTheServersLimit_IsResourceExhausted()
    {
        using var channel = Connect(TestCertificates.Client, TestCertificates.Server);
        var tooBig = new EchoRequest { Payload = Google.Protobuf.ByteString.CopyFrom(new byte[Testing.KestrelTestServer.MaxReceiveMessageSize + 1]) };

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await new EchoService.EchoServiceClient(channel).EchoAsync(tooBig));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    private GrpcChannel Connect(System.Security.Cryptography.X509Certificates.X509Certificate2 client, System.Security.Cryptography.X509Certificates.X509Certificate2 pinnedServer) =>
        GrpcChannel.ForAddress(fixture.Tls.Address, new GrpcChannelOptions
        {
            HttpHandler = PinnedClientHandler.Create(client, TestCertificates.Pin(pinnedServer), TimeSpan.FromSeconds(10)),
            DisposeHttpClient = true,
        });
}
