using System.Diagnostics;
using Google.Protobuf;
using PrivacyNode.Rpc.Client;
using PrivacyNode.Rpc.Tests.Infrastructure;
using PrivacyNode.Rpc.Tests.Protos;

namespace PrivacyNode.Rpc.Tests;

/// <summary>
/// Our client against any EchoService server that follows the gRPC spec: ours (h2c and mutual TLS) and
/// Python grpcio's (the derived classes).
/// </summary>
public abstract class RpcCallTests
{
    protected abstract RpcChannel CreateChannel(RpcChannelOptions? options = null);

    [Fact]
    public async Task Unary_Echo_ReturnsMessageHeadersAndTrailers()
    {
        using var channel = CreateChannel();
        var headers = new Metadata().Add("echo-ascii", "hello world").Add("echo-data-bin", [0, 1, 2, 255]);
        using var call = channel.StartUnary(EchoMethods.Echo, new EchoRequest { Text = "ping", Payload = ByteString.CopyFrom(1, 2, 3) }, new CallOptions(headers));

        var response = await call;
        var responseHeaders = await call.ResponseHeadersAsync;

        Assert.Equal("ping", response.Text);
        Assert.Equal([1, 2, 3], response.Payload.ToByteArray());
        Assert.Equal("hello world", responseHeaders.GetValue("echo-ascii"));
        Assert.Equal([0, 1, 2, 255], responseHeaders.GetValueBytes("echo-data-bin"));
        Assert.Equal(StatusCode.OK, call.GetStatus().Code);
        Assert.Equal("hello world", call.GetTrailers().GetValue("echo-ascii-trailer"));
        Assert.Equal([0, 1, 2, 255], call.GetTrailers().GetValueBytes("echo-data-trailer-bin"));
    }

    [Fact]
    public async Task Unary_RpcException_ReturnsCodeDetailAndTrailers()
    {
        using var channel = CreateChannel();
        using var call = channel.StartUnary(EchoMethods.Fail, new FailRequest { Code = (int)StatusCode.InvalidArgument, Detail = "bad field x" });

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("bad field x", ex.Status.Detail);
        Assert.Equal([1, 2, 3], ex.Trailers.GetValueBytes("failure-bin"));
        Assert.Equal(StatusCode.InvalidArgument, call.GetStatus().Code);
    }

    [Fact]
    public async Task Unary_NonAsciiDetail_ArrivesIntact()
    {
        using var channel = CreateChannel();
        const string detail = "拒绝访问: 100% 不允许 ✓ \n second line";

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(EchoMethods.Fail, new FailRequest { Code = (int)StatusCode.PermissionDenied, Detail = detail }));

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Equal(detail, ex.Status.Detail);
    }

    [Fact]
    public async Task Unary_DeclaredButUnmappedMethod_IsUnimplemented()
    {
        using var channel = CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Unmapped, new EchoRequest()));

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public async Task Unary_UnknownService_IsUnimplemented()
    {
        using var channel = CreateChannel();
        var method = new Method<EchoRequest, EchoResponse>(MethodType.Unary, "nowhere.v1.Nothing", "Echo",
            ProtobufMethod.Marshaller<EchoRequest>(), ProtobufMethod.Marshaller<EchoResponse>());

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(method, new EchoRequest()));

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
    }

    [Fact]
    public async Task Unary_DeadlinePasses_IsDeadlineExceeded()
    {
        using var channel = CreateChannel();
        var stopwatch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(EchoMethods.Slow, new SlowRequest { DelayMs = 10_000 }, CallOptions.WithTimeout(TimeSpan.FromMilliseconds(300))));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.InRange(stopwatch.ElapsedMilliseconds, 250, 5_000);
    }

    [Fact]
    public async Task Unary_CancelledByCaller_IsCancelled()
    {
        using var channel = CreateChannel();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(EchoMethods.Slow, new SlowRequest { DelayMs = 10_000 }, new CallOptions(CancellationToken: cts.Token)));

        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
    }

    [Fact]
    public async Task Unary_DeadlineAlreadyPast_FailsAtOnce()
    {
        using var channel = CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(EchoMethods.Echo, new EchoRequest(), new CallOptions(Deadline: DateTime.UtcNow.AddSeconds(-1))));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [Fact]
    public async Task ServerStreaming_OneMiBIn16Messages_ArrivesWithTrailer()
    {
        using var channel = CreateChannel();
        using var call = channel.StartServerStreaming(EchoMethods.Generate, new GenerateRequest { Count = 16, Size = 64 * 1024 });

        var expected = Pattern(64 * 1024);
        var count = 0;
        await foreach (var message in call.ResponseStream.ReadAllAsync())
        {
            Assert.Equal(count++, message.Index);
            Assert.True(message.Payload.Span.SequenceEqual(expected));
        }

        Assert.Equal(16, count);
        Assert.Equal(StatusCode.OK, call.GetStatus().Code);
        Assert.Equal("1048576", call.GetTrailers().GetValue("total-bytes"));
    }

    [Fact]
    public async Task ServerStreaming_ErrorBeforeFirstMessage_IsTrailersOnlyWithTrailers()
    {
        using var channel = CreateChannel();
        using var call = channel.StartServerStreaming(EchoMethods.FailStream, new FailRequest { Code = (int)StatusCode.NotFound, Detail = "no such thing" });

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNextAsync());

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Equal("no such thing", ex.Status.Detail);
        Assert.Equal([1, 2, 3], ex.Trailers.GetValueBytes("failure-bin"));
    }

    [Fact]
    public async Task ServerStreaming_AbortedAfterTwoMessages_DeliversMessagesThenStatus()
    {
        using var channel = CreateChannel();
        using var call = channel.StartServerStreaming(EchoMethods.FailStream, new FailRequest { Code = (int)StatusCode.Aborted, Detail = "conflict", MessagesBefore = 2 });

        Assert.True(await call.ResponseStream.MoveNextAsync());
        Assert.True(await call.ResponseStream.MoveNextAsync());
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNextAsync());

        Assert.Equal(StatusCode.Aborted, ex.StatusCode);
        Assert.Equal([1, 2, 3], call.GetTrailers().GetValueBytes("failure-bin"));
    }

    [Fact]
    public async Task ServerStreaming_ConsumerStopsEarly_ChannelStaysUsable()
    {
        using var channel = CreateChannel();
        using (var call = channel.StartServerStreaming(EchoMethods.Generate, new GenerateRequest { Count = 10_000, Size = 1024 }))
        {
            Assert.True(await call.ResponseStream.MoveNextAsync());
        }

        var response = await channel.UnaryAsync(EchoMethods.Echo, new EchoRequest { Text = "still here" });

        Assert.Equal("still here", response.Text);
    }

    [Fact]
    public async Task ClientStreaming_ManyRequests_AreAllCounted()
    {
        using var channel = CreateChannel();
        using var call = channel.StartClientStreaming(EchoMethods.Sum);

        for (var i = 0; i < 100; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Payload = ByteString.CopyFrom(new byte[1000]) });
        }

        await call.RequestStream.CompleteAsync();
        var sum = await call;

        Assert.Equal(100, sum.Count);
        Assert.Equal(100_000, sum.Bytes);
    }

    [Fact]
    public async Task DuplexStreaming_PingPong_InterleavesRequestsAndResponses()
    {
        using var channel = CreateChannel();
        using var call = channel.StartDuplexStreaming(EchoMethods.Chat);

        for (var i = 0; i < 20; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = $"m{i}" });
            Assert.True(await call.ResponseStream.MoveNextAsync());
            Assert.Equal($"m{i}", call.ResponseStream.Current.Text);
            Assert.Equal(i, call.ResponseStream.Current.Index);
        }

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNextAsync());
        Assert.Equal(StatusCode.OK, call.GetStatus().Code);
    }

    [Fact]
    public async Task DuplexStreaming_ReadCancelledByItsToken_IsCancelledNotDeadlineExceeded()
    {
        using var channel = CreateChannel();
        using var call = channel.StartDuplexStreaming(EchoMethods.Chat, CallOptions.WithTimeout(TimeSpan.FromHours(1)));
        using var read = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNextAsync(read.Token));

        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
    }

    [Fact]
    public async Task DuplexStreaming_ServerEndsWhileClientWrites_ReadingGetsTheServersStatus()
    {
        using var channel = CreateChannel();
        using var call = channel.StartDuplexStreaming(EchoMethods.Chat);
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "a" });
        Assert.True(await call.ResponseStream.MoveNextAsync());
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "end" });

        // The client goes on writing until the transport notices; a failed write must not hide the server's status.
        var payload = Google.Protobuf.ByteString.CopyFrom(new byte[64 * 1024]);
        try
        {
            for (var i = 0; i < 200; i++)
            {
                await call.RequestStream.WriteAsync(new EchoRequest { Payload = payload });
            }
        }
        catch (RpcException)
        {
        }

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNextAsync())
            {
            }
        });
        Assert.Equal((StatusCode.Aborted, "ended by request"), (ex.StatusCode, ex.Status.Detail));
    }

    [Fact]
    public async Task DuplexStreaming_WriteAfterComplete_Throws()
    {
        using var channel = CreateChannel();
        using var call = channel.StartDuplexStreaming(EchoMethods.Chat);
        await call.RequestStream.CompleteAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => call.RequestStream.WriteAsync(new EchoRequest()));
    }

    [Fact]
    public async Task Size_RequestOverServerLimit_IsResourceExhausted()
    {
        using var channel = CreateChannel();
        var payload = ByteString.CopyFrom(new byte[5 * 1024 * 1024]);

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Echo, new EchoRequest { Payload = payload }));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task Size_ResponseOverClientLimit_IsResourceExhausted()
    {
        using var channel = CreateChannel(new RpcChannelOptions { MaxReceiveMessageSize = 1024 * 1024 });

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Echo, new EchoRequest { ResponseSize = 2 * 1024 * 1024 }));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task Size_RequestOverClientSendLimit_IsRefusedLocally()
    {
        using var channel = CreateChannel(new RpcChannelOptions { MaxSendMessageSize = 1000 });

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Echo, new EchoRequest { Payload = ByteString.CopyFrom(new byte[2000]) }));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task Size_ThreeMiBEachWay_Succeeds()
    {
        using var channel = CreateChannel();
        var payload = ByteString.CopyFrom(Pattern(3 * 1024 * 1024));

        var response = await channel.UnaryAsync(EchoMethods.Echo, new EchoRequest { Payload = payload });

        Assert.Equal(payload, response.Payload);
    }

    [Fact]
    public async Task Concurrency_250Calls_AllSucceed()
    {
        using var channel = CreateChannel();

        var responses = await Task.WhenAll(Enumerable.Range(0, 250).Select(i =>
            channel.UnaryAsync(EchoMethods.Slow, new SlowRequest { DelayMs = 200 })));

        Assert.All(responses, r => Assert.Equal("slow done", r.Text));
    }

    [Fact]
    public async Task EarlyHeaders_ArriveWithTheResponse()
    {
        using var channel = CreateChannel();
        using var call = channel.StartUnary(EchoMethods.EarlyHeaders, new EchoRequest { Text = "x" });

        var headers = await call.ResponseHeadersAsync;
        var response = await call;

        Assert.Equal("yes", headers.GetValue("early"));
        Assert.Equal("x", response.Text);
    }

    [Fact]
    public async Task Status_BeforeCompletion_IsNotAvailable()
    {
        using var channel = CreateChannel();
        using var call = channel.StartUnary(EchoMethods.Slow, new SlowRequest { DelayMs = 5_000 });

        Assert.Throws<InvalidOperationException>(() => call.GetStatus());
    }

    protected static async Task WaitUntilAsync(Func<bool> condition)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), "Condition not reached within 10 s.");
            await Task.Delay(20);
        }
    }

    private static byte[] Pattern(int size) => EchoService.Pattern(size);
}
