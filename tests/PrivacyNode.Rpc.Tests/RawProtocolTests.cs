using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using PrivacyNode.Rpc.Tests.Infrastructure;
using PrivacyNode.Rpc.Tests.Protos;
using PrivacyNode.Rpc.Tests.Wire;

namespace PrivacyNode.Rpc.Tests;

/// <summary>Hand-made HTTP/2 requests against our server: what a buggy or hostile client might send.</summary>
public sealed class RawProtocolTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>, IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task ValidFrame_IsAnswered()
    {
        var (status, body, _) = await SendAsync("/privacynode.testing.v1.EchoService/Echo", MessageReaderTests.Frame(new EchoRequest { Text = "raw" }));

        Assert.Equal("0", status);
        Assert.Equal("raw", EchoResponse.Parser.ParseFrom(body.AsSpan(5)).Text);
    }

    [Fact]
    public async Task TrailingBytesAfterMessage_IsInternal()
    {
        var (status, _, _) = await SendAsync("/privacynode.testing.v1.EchoService/Echo", [.. MessageReaderTests.Frame(new EchoRequest()), 0, 0, 0]);

        Assert.Equal("13", status);
    }

    [Fact]
    public async Task InvalidFlagByte_IsInternal()
    {
        var frame = MessageReaderTests.Frame(new EchoRequest { Text = "x" });
        frame[0] = 7;

        var (status, _, _) = await SendAsync("/privacynode.testing.v1.EchoService/Echo", frame);

        Assert.Equal("13", status);
    }

    [Fact]
    public async Task TruncatedFrame_IsInternal()
    {
        var (status, _, _) = await SendAsync("/privacynode.testing.v1.EchoService/Echo", [0, 0, 0, 0, 100, 1, 2, 3]);

        Assert.Equal("13", status);
    }

    [Fact]
    public async Task OversizedDeclaredLength_IsResourceExhausted()
    {
        var header = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), 50_000_000);

        var (status, _, _) = await SendAsync("/privacynode.testing.v1.EchoService/Echo", header);

        Assert.Equal("8", status);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("123456789S")]
    [InlineData("10x")]
    [InlineData("S")]
    public async Task InvalidTimeout_IsInternal(string timeout)
    {
        var (status, _, _) = await SendAsync("/privacynode.testing.v1.EchoService/Echo", MessageReaderTests.Frame(new EchoRequest()), ("grpc-timeout", timeout));

        Assert.Equal("13", status);
    }

    /// <summary>Issue 16, finding 9: a timeout beyond a timer's range (about 24.8 days) became HTTP 500 outside the error funnel.</summary>
    [Theory]
    [InlineData("99999999H")]
    [InlineData("99999999M")]
    [InlineData("99999999S")]
    public async Task Finding9_TimeoutBeyondTheTimersRange_IsClampedAndAnswered(string timeout)
    {
        var (status, body, _) = await SendAsync("/privacynode.testing.v1.EchoService/Echo", MessageReaderTests.Frame(new EchoRequest { Text = "far" }), ("grpc-timeout", timeout));

        Assert.Equal("0", status);
        Assert.Equal("far", EchoResponse.Parser.ParseFrom(body.AsSpan(5)).Text);
    }

    [Fact]
    public async Task UnknownEncoding_IsUnimplementedAndAdvertisesSupported()
    {
        var (status, _, response) = await SendAsync("/privacynode.testing.v1.EchoService/Echo", MessageReaderTests.Frame(new EchoRequest()), ("grpc-encoding", "br"));

        Assert.Equal("12", status);
        Assert.Contains("gzip", string.Join(",", response.Headers.GetValues("grpc-accept-encoding")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GzipCompressedRequest_IsDecoded()
    {
        var frame = MessageReaderTests.GzipFrame(new EchoRequest { Text = "compressed" }.ToByteArray());

        var (status, body, _) = await SendAsync("/privacynode.testing.v1.EchoService/Echo", frame, ("grpc-encoding", "gzip"));

        Assert.Equal("0", status);
        Assert.Equal("compressed", EchoResponse.Parser.ParseFrom(body.AsSpan(5)).Text);
    }

    [Fact]
    public async Task CompressedFlagWithIdentityEncoding_IsInternal()
    {
        var frame = MessageReaderTests.GzipFrame(new EchoRequest { Text = "compressed" }.ToByteArray());

        var (status, _, _) = await SendAsync("/privacynode.testing.v1.EchoService/Echo", frame, ("grpc-encoding", "identity"));

        Assert.Equal("13", status);
    }

    [Fact]
    public async Task UnpaddedBinaryMetadata_IsAccepted()
    {
        // "AQI" is bytes 1,2 without padding; some peers send it that way.
        var (status, _, response) = await SendAsync("/privacynode.testing.v1.EchoService/Echo", MessageReaderTests.Frame(new EchoRequest()), ("echo-x-bin", "AQI"));

        Assert.Equal("0", status);
        Assert.Equal("AQI=", response.Headers.GetValues("echo-x-bin").Single());
    }

    [Fact]
    public async Task InvalidBinaryMetadata_IsInternal()
    {
        var (status, _, _) = await SendAsync("/privacynode.testing.v1.EchoService/Echo", MessageReaderTests.Frame(new EchoRequest()), ("echo-x-bin", "!!!"));

        Assert.Equal("13", status);
    }

    [Fact]
    public async Task WrongContentType_Is415()
    {
        using var request = Request("/privacynode.testing.v1.EchoService/Echo", MessageReaderTests.Frame(new EchoRequest()), "application/json");
        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Get_Is405()
    {
        using var response = await _http.GetAsync(new Uri(fixture.Cleartext.Address, "/privacynode.testing.v1.EchoService/Echo"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task ServerDeadline_HandlerIgnoringCancellation_StatusArrivesOnTime()
    {
        var request = new SlowRequest { DelayMs = 4_000, IgnoreCancellation = true };
        var stopwatch = Stopwatch.StartNew();

        var (status, _, _) = await SendAsync("/privacynode.testing.v1.EchoService/Slow", MessageFraming(request), ("grpc-timeout", "300m"));

        Assert.Equal("4", status);
        Assert.InRange(stopwatch.ElapsedMilliseconds, 250, 3_000);
    }

    private static byte[] MessageFraming(IMessage message)
    {
        var body = message.ToByteArray();
        var frame = new byte[5 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)body.Length);
        body.CopyTo(frame, 5);
        return frame;
    }

    private HttpRequestMessage Request(string path, byte[] body, string contentType = "application/grpc")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.Cleartext.Address, path))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        return request;
    }

    /// <summary>Sends one request and returns grpc-status (from trailers or Trailers-Only headers), the body and the response.</summary>
    private async Task<(string? Status, byte[] Body, HttpResponseMessage Response)> SendAsync(string path, byte[] body, params (string Name, string Value)[] headers)
    {
        using var request = Request(path, body);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var status = response.Headers.TryGetValues("grpc-status", out var inHeaders)
            ? inHeaders.Single()
            : response.TrailingHeaders.TryGetValues("grpc-status", out var inTrailers) ? inTrailers.Single() : null;
        return (status, bytes, response);
    }
}
