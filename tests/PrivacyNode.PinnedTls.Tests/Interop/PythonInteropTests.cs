using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using PrivacyNode.PinnedTls.Tests.Infrastructure;
using PrivacyNode.PinnedTls.Tests.Protos;
using PrivacyNode.Testing;

namespace PrivacyNode.PinnedTls.Tests.Interop;

/// <summary>
/// Interop with Python grpcio both ways: its client against our Kestrel endpoint (h2c and pinned mutual TLS), and our
/// client (Grpc.Net.Client on <see cref="PinnedClientHandler"/>) against its server, gzip-compressed responses included.
/// </summary>
public sealed class PythonInteropTests(PythonEchoServerFixture python, EchoServerFixture ours)
    : IClassFixture<PythonEchoServerFixture>, IClassFixture<EchoServerFixture>
{
    private static string ClientScript => Path.Combine(PythonEchoServerFixture.InteropDirectory, "echo_client.py");

    [Fact]
    public async Task PythonClient_OurServerOverH2c_PassesEveryCheck()
    {
        var result = await RunClientAsync([$"127.0.0.1:{ours.Cleartext.Address.Port}"]);

        AssertAllPassed(result);
    }

    [Fact]
    public async Task PythonClient_OurServerOverMutualTls_PassesEveryCheck()
    {
        var result = await RunClientAsync([$"127.0.0.1:{ours.Tls.Address.Port}", "--tls", python.ServerPem.Certificate, python.ClientPem.Certificate, python.ClientPem.Key]);

        AssertAllPassed(result);
    }

    [Fact]
    public async Task PythonClient_UnpinnedCertificate_IsRefused()
    {
        var result = await RunClientAsync([$"127.0.0.1:{ours.Tls.Address.Port}", "--tls", python.ServerPem.Certificate, python.StrangerPem.Certificate, python.StrangerPem.Key, "--expect-refused"]);

        AssertAllPassed(result);
    }

    [Fact]
    public async Task PythonServer_CompressedResponses_AreDecoded()
    {
        // First show that the Python server really compresses: the frame's flag byte is 1.
        using (var http = new HttpClient())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(python.Compressing, "/privacynode.testing.v1.EchoService/Echo"))
            {
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = new ByteArrayContent(Frame(new EchoRequest { Text = "z", ResponseSize = 10_000 })),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            request.Headers.TryAddWithoutValidation("te", "trailers");
            request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "identity,gzip");
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(1, body[0]);
        }

        using var channel = GrpcChannel.ForAddress(python.Compressing);
        var client = new EchoService.EchoServiceClient(channel);
        var echo = await client.EchoAsync(new EchoRequest { Text = "z", ResponseSize = 100_000 });
        using var stream = client.Generate(new GenerateRequest { Count = 46, Size = 20_000 });
        var count = 0;
        await foreach (var message in stream.ResponseStream.ReadAllAsync())
        {
            Assert.True(message.Payload.Span.SequenceEqual(EchoServer.Pattern(20_000)));
            count++;
        }

        Assert.Equal(100_000, echo.Payload.Length);
        Assert.Equal(46, count);
    }

    [Fact]
    public async Task OurClient_PythonServerOverH2c_EchoesHeadersAndTrailers()
    {
        using var channel = GrpcChannel.ForAddress(python.Cleartext);
        using var call = new EchoService.EchoServiceClient(channel).EchoAsync(new EchoRequest { Text = "ping" }, new Metadata { { "echo-x", "1" } });

        var response = await call;

        Assert.Equal("ping", response.Text);
        Assert.Equal("1", (await call.ResponseHeadersAsync).GetValue("echo-x"));
        Assert.Equal("1", call.GetTrailers().GetValue("echo-x-trailer"));
    }

    [Fact]
    public async Task OurClient_PythonServerOverPinnedMutualTls_StreamsBothWays()
    {
        using var channel = PinnedChannel(TestCertificates.Server);
        var client = new EchoService.EchoServiceClient(channel);

        using var chat = client.Chat();
        for (var i = 0; i < 5; i++)
        {
            await chat.RequestStream.WriteAsync(new EchoRequest { Text = $"m{i}" });
        }

        await chat.RequestStream.CompleteAsync();
        var replies = new List<string>();
        await foreach (var reply in chat.ResponseStream.ReadAllAsync())
        {
            replies.Add(reply.Text);
        }

        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], replies);
    }

    [Fact]
    public async Task OurClient_PythonServerWithAnotherCertificate_IsUnavailable()
    {
        using var channel = PinnedChannel(TestCertificates.Stranger);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await new EchoService.EchoServiceClient(channel).EchoAsync(new EchoRequest()));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    [Fact]
    public async Task OurClient_PythonServerStatus_ArrivesWithDetailAndBinaryTrailer()
    {
        using var channel = GrpcChannel.ForAddress(python.Cleartext);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await new EchoService.EchoServiceClient(channel).FailAsync(new FailRequest { Code = 10, Detail = "conflict ü" }));

        Assert.Equal(StatusCode.Aborted, ex.StatusCode);
        Assert.Equal("conflict ü", ex.Status.Detail);
        Assert.Equal([1, 2, 3], ex.Trailers.GetValueBytes("failure-bin"));
    }

    private GrpcChannel PinnedChannel(System.Security.Cryptography.X509Certificates.X509Certificate2 pinnedServer) =>
        GrpcChannel.ForAddress(python.Tls, new GrpcChannelOptions
        {
            HttpHandler = PinnedClientHandler.Create(TestCertificates.Client, TestCertificates.Pin(pinnedServer), TimeSpan.FromSeconds(10)),
            DisposeHttpClient = true,
        });

    /// <summary>One uncompressed gRPC message frame: flag 0, big-endian length, the message.</summary>
    private static byte[] Frame(IMessage message)
    {
        var body = message.ToByteArray();
        var frame = new byte[5 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)body.Length);
        body.CopyTo(frame, 5);
        return frame;
    }

    private Task<ProcessResult> RunClientAsync(string[] arguments) =>
        PythonGrpc.RunAsync([ClientScript, .. arguments], python.PythonPath, TimeSpan.FromSeconds(120));

    private static void AssertAllPassed(ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, $"Python client failed:\n{result.StandardOutput}\n{result.StandardError}");
        Assert.DoesNotContain("FAIL", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("PASS", result.StandardOutput, StringComparison.Ordinal);
    }
}
