using System.Net;
using System.Net.Http.Headers;
using PrivacyNode.Rpc.Client;
using PrivacyNode.Rpc.Tests.Infrastructure;
using PrivacyNode.Rpc.Tests.Protos;
using PrivacyNode.Testing;

namespace PrivacyNode.Rpc.Tests.Interop;

/// <summary>Python grpcio's client against our server, and gzip-compressed responses from Python's server.</summary>
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
                Content = new ByteArrayContent(Wire.MessageReaderTests.Frame(new EchoRequest { Text = "z", ResponseSize = 10_000 })),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
            request.Headers.TryAddWithoutValidation("te", "trailers");
            request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "identity,gzip");
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(1, body[0]);
        }

        using var channel = new RpcChannel(python.Compressing);
        var echo = await channel.UnaryAsync(EchoMethods.Echo, new EchoRequest { Text = "z", ResponseSize = 100_000 });
        using var stream = channel.StartServerStreaming(EchoMethods.Generate, new GenerateRequest { Count = 46, Size = 20_000 });
        var count = 0;
        await foreach (var message in stream.ResponseStream.ReadAllAsync())
        {
            Assert.True(message.Payload.Span.SequenceEqual(EchoService.Pattern(20_000)));
            count++;
        }

        Assert.Equal(100_000, echo.Payload.Length);
        Assert.Equal(46, count);
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
