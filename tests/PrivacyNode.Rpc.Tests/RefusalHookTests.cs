using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using PrivacyNode.Rpc.Client;
using PrivacyNode.Rpc.Server;
using PrivacyNode.Rpc.Tests.Infrastructure;
using PrivacyNode.Rpc.Tests.Protos;

namespace PrivacyNode.Rpc.Tests;

/// <summary>The router's refusal hook: called for every deliberate refusal, before the status is sent, and never in the way of it.</summary>
public sealed class RefusalHookTests : IAsyncLifetime
{
    private const string Forbidden = "forbidden";
    private readonly ConcurrentQueue<(string Method, StatusCode Code, string Detail)> _refusals = new();
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        _app = builder.Build();
        var router = new EchoService().Map(new RpcRouter(authorize: AuthorizeAsync, refused: RecordAsync));
        _app.Run(router.HandleAsync);
        await _app.StartAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task AuthorizerRefusal_IsReported()
    {
        using var channel = Connect();
        var options = new CallOptions(new Metadata().Add(Forbidden, "1"));

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Echo, new EchoRequest(), options));

        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Equal([("/privacynode.testing.v1.EchoService/Echo", StatusCode.PermissionDenied, "no entry")], _refusals);
    }

    [Fact]
    public async Task HandlerRefusal_IsReportedWithItsStatus()
    {
        using var channel = Connect();
        await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Fail, new FailRequest { Code = (int)StatusCode.NotFound, Detail = "no such thing" }));

        Assert.Equal([("/privacynode.testing.v1.EchoService/Fail", StatusCode.NotFound, "no such thing")], _refusals);
    }

    [Fact]
    public async Task SuccessAndUnexpectedFailure_AreNotReported()
    {
        using var channel = Connect();
        await channel.UnaryAsync(EchoMethods.Echo, new EchoRequest());
        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Fail, new FailRequest { ThrowUnexpected = true }));

        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.Empty(_refusals);
    }

    [Fact]
    public async Task FailingHook_StillSendsTheRefusal()
    {
        using var channel = Connect();
        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Fail, new FailRequest { Code = (int)StatusCode.InvalidArgument, Detail = "break the hook" }));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("break the hook", ex.Status.Detail);
    }

    private RpcChannel Connect() => new(new Uri("http://localhost"), _app.GetTestServer().CreateHandler());

    private static ValueTask AuthorizeAsync(ServerCallContext context) =>
        context.RequestHeaders.GetValue(Forbidden) is null ? ValueTask.CompletedTask : throw new RpcException(StatusCode.PermissionDenied, "no entry");

    private ValueTask RecordAsync(ServerCallContext context, RpcException refusal)
    {
        if (refusal.Status.Detail == "break the hook")
        {
            throw new InvalidOperationException("the audit store is down");
        }

        _refusals.Enqueue((context.Method, refusal.StatusCode, refusal.Status.Detail));
        return ValueTask.CompletedTask;
    }
}
