using System.Globalization;
using Google.Protobuf;
using PrivacyNode.Rpc.Server;
using PrivacyNode.Rpc.Tests.Protos;

namespace PrivacyNode.Rpc.Tests.Infrastructure;

/// <summary>The C# implementation of the test EchoService (see Protos/echo.proto).</summary>
public sealed class EchoService
{
    private int _slowCallsCancelled;

    /// <summary>How many Slow calls observed their cancellation token firing.</summary>
    public int SlowCallsCancelled => Volatile.Read(ref _slowCallsCancelled);

    public RpcRouter Map(RpcRouter router) => router
        .MapUnary(EchoMethods.Echo, EchoAsync)
        .MapUnary(EchoMethods.Fail, FailAsync)
        .MapServerStreaming(EchoMethods.FailStream, FailStreamAsync)
        .MapUnary(EchoMethods.Slow, SlowAsync)
        .MapServerStreaming(EchoMethods.Generate, GenerateAsync)
        .MapClientStreaming(EchoMethods.Sum, SumAsync)
        .MapDuplexStreaming(EchoMethods.Chat, ChatAsync)
        .MapUnary(EchoMethods.EarlyHeaders, EarlyHeadersAsync);

    private static async Task<EchoResponse> EchoAsync(EchoRequest request, ServerCallContext context)
    {
        var headers = new Metadata();
        foreach (var entry in context.RequestHeaders.Where(e => e.Key.StartsWith("echo-", StringComparison.Ordinal)))
        {
            headers.Add(entry);
            var trailerKey = entry.IsBinary ? entry.Key[..^4] + "-trailer-bin" : entry.Key + "-trailer";
            if (entry.IsBinary)
            {
                context.ResponseTrailers.Add(trailerKey, entry.ValueBytes);
            }
            else
            {
                context.ResponseTrailers.Add(trailerKey, entry.Value);
            }
        }

        if (headers.Count > 0)
        {
            await context.WriteResponseHeadersAsync(headers);
        }

        return Reply(request, context);
    }

    private static Task<EchoResponse> FailAsync(FailRequest request, ServerCallContext context)
    {
        if (request.ThrowUnexpected)
        {
            throw new InvalidOperationException("secret internal detail that must not leak");
        }

        context.ResponseTrailers.Add("failure-bin", [1, 2, 3]);
        throw new RpcException((StatusCode)request.Code, request.Detail);
    }

    private static async Task FailStreamAsync(FailRequest request, IAsyncStreamWriter<EchoResponse> responses, ServerCallContext context)
    {
        for (var i = 0; i < request.MessagesBefore; i++)
        {
            await responses.WriteAsync(new EchoResponse { Index = i });
        }

        context.ResponseTrailers.Add("failure-bin", [1, 2, 3]);
        throw new RpcException((StatusCode)request.Code, request.Detail);
    }

    private async Task<EchoResponse> SlowAsync(SlowRequest request, ServerCallContext context)
    {
        if (request.IgnoreCancellation)
        {
            await Task.Delay(request.DelayMs, CancellationToken.None);
        }
        else
        {
            try
            {
                await Task.Delay(request.DelayMs, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref _slowCallsCancelled);
                throw;
            }
        }

        return new EchoResponse { Text = "slow done" };
    }

    private static async Task GenerateAsync(GenerateRequest request, IAsyncStreamWriter<EchoResponse> responses, ServerCallContext context)
    {
        var payload = ByteString.CopyFrom(Pattern(request.Size));
        for (var i = 0; i < request.Count; i++)
        {
            await responses.WriteAsync(new EchoResponse { Index = i, Payload = payload });
        }

        context.ResponseTrailers.Add("total-bytes", ((long)request.Count * request.Size).ToString(CultureInfo.InvariantCulture));
    }

    private static async Task<SumResponse> SumAsync(IAsyncStreamReader<EchoRequest> requests, ServerCallContext context)
    {
        var sum = new SumResponse();
        await foreach (var request in requests.ReadAllAsync())
        {
            sum.Count++;
            sum.Bytes += request.Payload.Length;
        }

        return sum;
    }

    private static async Task ChatAsync(IAsyncStreamReader<EchoRequest> requests, IAsyncStreamWriter<EchoResponse> responses, ServerCallContext context)
    {
        var index = 0;
        await foreach (var request in requests.ReadAllAsync())
        {
            if (request.Text == "end")
            {
                throw new RpcException(StatusCode.Aborted, "ended by request");
            }

            var reply = Reply(request, context);
            reply.Index = index++;
            await responses.WriteAsync(reply);
        }
    }

    private static async Task<EchoResponse> EarlyHeadersAsync(EchoRequest request, ServerCallContext context)
    {
        await context.WriteResponseHeadersAsync(new Metadata().Add("early", "yes"));
        return Reply(request, context);
    }

    private static EchoResponse Reply(EchoRequest request, ServerCallContext context) => new()
    {
        Text = request.Text,
        Payload = request.ResponseSize > 0 ? ByteString.CopyFrom(Pattern(request.ResponseSize)) : request.Payload,
        ClientCertificateSubject = context.ClientCertificate?.Subject ?? string.Empty,
    };

    /// <summary>A deterministic byte pattern of the given length.</summary>
    public static byte[] Pattern(int size)
    {
        var bytes = new byte[size];
        for (var i = 0; i < size; i++)
        {
            bytes[i] = (byte)(i * 31 + 7);
        }

        return bytes;
    }
}
