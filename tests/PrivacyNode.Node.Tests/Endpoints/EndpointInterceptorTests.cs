using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using PrivacyNode.Node.Endpoints;

namespace PrivacyNode.Node.Tests.Endpoints;

/// <summary>The one interceptor of an endpoint: authorization first, every refusal recorded, nothing internal leaked.</summary>
public sealed class EndpointInterceptorTests
{
    private readonly List<(string Method, StatusCode Code)> _recorded = [];

    [Fact]
    public async Task UnexpectedException_IsUnknownWithAGenericMessage_AndRecorded()
    {
        var interceptor = Interceptor(_ => ValueTask.CompletedTask);

        var ex = await Assert.ThrowsAsync<RpcException>(() => interceptor.UnaryServerHandler<string, string>("x", new FakeContext(), (_, _) => throw new InvalidOperationException("secret path /var/lib/node")));

        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.DoesNotContain("secret", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Equal([("/test.Service/Method", StatusCode.Unknown)], _recorded);
    }

    [Fact]
    public async Task RefusedByTheAuthorizer_NeverReachesTheHandler_AndIsRecorded()
    {
        var interceptor = Interceptor(_ => throw new RpcException(new Status(StatusCode.PermissionDenied, "no")));
        var ran = false;

        var ex = await Assert.ThrowsAsync<RpcException>(() => interceptor.UnaryServerHandler<string, string>("x", new FakeContext(), (_, _) =>
        {
            ran = true;
            return Task.FromResult("y");
        }));

        Assert.False(ran);
        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Equal([("/test.Service/Method", StatusCode.PermissionDenied)], _recorded);
    }

    [Fact]
    public async Task HandlersRefusal_KeepsItsStatus_AndIsRecorded()
    {
        var interceptor = Interceptor(_ => ValueTask.CompletedTask);

        var ex = await Assert.ThrowsAsync<RpcException>(() => interceptor.ServerStreamingServerHandler<string, string>("x", null!, new FakeContext(), (_, _, _) =>
            throw new RpcException(new Status(StatusCode.NotFound, "No dataset named 'claims'."))));

        Assert.Equal((StatusCode.NotFound, "No dataset named 'claims'."), (ex.StatusCode, ex.Status.Detail));
        Assert.Equal([("/test.Service/Method", StatusCode.NotFound)], _recorded);
    }

    [Fact]
    public async Task FailingRecord_DoesNotReplaceTheRefusal()
    {
        var interceptor = new EndpointInterceptor(new EndpointRules
        {
            Authorize = _ => ValueTask.CompletedTask,
            Refused = (_, _) => throw new IOException("audit log unavailable"),
        }, NullLogger.Instance);

        var ex = await Assert.ThrowsAsync<RpcException>(() => interceptor.UnaryServerHandler<string, string>("x", new FakeContext(), (_, _) =>
            throw new RpcException(new Status(StatusCode.InvalidArgument, "bad"))));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Fact]
    public async Task CallerGone_IsNotARefusal()
    {
        using var gone = new CancellationTokenSource();
        await gone.CancelAsync();
        var interceptor = Interceptor(_ => ValueTask.CompletedTask);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => interceptor.UnaryServerHandler<string, string>("x", new FakeContext(gone.Token), (_, c) =>
            Task.FromCanceled<string>(c.CancellationToken)));

        Assert.Empty(_recorded);
    }

    private EndpointInterceptor Interceptor(Func<ServerCallContext, ValueTask> authorize) => new(new EndpointRules
    {
        Authorize = authorize,
        Refused = (context, refusal) =>
        {
            _recorded.Add((context.Method, refusal.StatusCode));
            return ValueTask.CompletedTask;
        },
    }, NullLogger.Instance);

    /// <summary>A call context with no deadline, as a handler sees it.</summary>
    private sealed class FakeContext(CancellationToken cancellationToken = default) : ServerCallContext
    {
        protected override string MethodCore => "/test.Service/Method";

        protected override string HostCore => "127.0.0.1";

        protected override string PeerCore => "ipv4:127.0.0.1:1";

        protected override DateTime DeadlineCore => DateTime.MaxValue;

        protected override Metadata RequestHeadersCore { get; } = [];

        protected override CancellationToken CancellationTokenCore => cancellationToken;

        protected override Metadata ResponseTrailersCore { get; } = [];

        protected override Status StatusCore { get; set; }

        protected override WriteOptions? WriteOptionsCore { get; set; }

        protected override AuthContext AuthContextCore { get; } = new(null, []);

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
