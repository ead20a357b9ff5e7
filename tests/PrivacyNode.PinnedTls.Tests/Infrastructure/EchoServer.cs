using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using PrivacyNode.PinnedTls.Tests.Protos;

namespace PrivacyNode.PinnedTls.Tests.Infrastructure;

/// <summary>The C# implementation of the test EchoService (see Protos/echo.proto) on Grpc.AspNetCore.</summary>
public sealed class EchoServer : EchoService.EchoServiceBase
{
    public override async Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context)
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

    public override Task<EchoResponse> Fail(FailRequest request, ServerCallContext context)
    {
        if (request.ThrowUnexpected)
        {
            throw new InvalidOperationException("secret internal detail that must not leak");
        }

        context.ResponseTrailers.Add("failure-bin", [1, 2, 3]);
        throw new RpcException(new Status((StatusCode)request.Code, request.Detail));
    }

    public override async Task FailStream(FailRequest request, IServerStreamWriter<EchoResponse> responseStream, ServerCallContext context)
    {
        for (var i = 0; i < request.MessagesBefore; i++)
        {
            await responseStream.WriteAsync(new EchoResponse { Index = i });
        }

        context.ResponseTrailers.Add("failure-bin", [1, 2, 3]);
        throw new RpcException(new Status((StatusCode)request.Code, request.Detail));
    }

    public override async Task<EchoResponse> Slow(SlowRequest request, ServerCallContext context)
    {
        await Task.Delay(request.DelayMs, request.IgnoreCancellation ? CancellationToken.None : context.CancellationToken);
        return new EchoResponse { Text = "slow done" };
    }

    public override async Task Generate(GenerateRequest request, IServerStreamWriter<EchoResponse> responseStream, ServerCallContext context)
    {
        var payload = ByteString.CopyFrom(Pattern(request.Size));
        for (var i = 0; i < request.Count; i++)
        {
            await responseStream.WriteAsync(new EchoResponse { Index = i, Payload = payload });
        }

        context.ResponseTrailers.Add("total-bytes", ((long)request.Count * request.Size).ToString(CultureInfo.InvariantCulture));
    }

    public override async Task<SumResponse> Sum(IAsyncStreamReader<EchoRequest> requestStream, ServerCallContext context)
    {
        var sum = new SumResponse();
        await foreach (var request in requestStream.ReadAllAsync())
        {
            sum.Count++;
            sum.Bytes += request.Payload.Length;
        }

        return sum;
    }

    public override async Task Chat(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoResponse> responseStream, ServerCallContext context)
    {
        var index = 0;
        await foreach (var request in requestStream.ReadAllAsync())
        {
            if (request.Text == "end")
            {
                throw new RpcException(new Status(StatusCode.Aborted, "ended by request"));
            }

            var reply = Reply(request, context);
            reply.Index = index++;
            await responseStream.WriteAsync(reply);
        }
    }

    public override async Task<EchoResponse> EarlyHeaders(EchoRequest request, ServerCallContext context)
    {
        await context.WriteResponseHeadersAsync(new Metadata { { "early", "yes" } });
        return Reply(request, context);
    }

    private static EchoResponse Reply(EchoRequest request, ServerCallContext context) => new()
    {
        Text = request.Text,
        Payload = request.ResponseSize > 0 ? ByteString.CopyFrom(Pattern(request.ResponseSize)) : request.Payload,
        ClientCertificateSubject = context.GetHttpContext().Connection.ClientCertificate?.Subject ?? string.Empty,
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
