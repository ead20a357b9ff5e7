using PrivacyNode.Rpc.Client;
using PrivacyNode.Rpc.Tests.Infrastructure;
using PrivacyNode.Rpc.Tests.Protos;

namespace PrivacyNode.Rpc.Tests;

/// <summary>The conformance suite plus what only our own server can show (what its handlers observed).</summary>
public abstract class OurServerCallTests(EchoServerFixture fixture) : RpcCallTests
{
    protected EchoServerFixture Fixture { get; } = fixture;

    [Fact]
    public async Task Unary_UnexpectedException_IsUnknownWithGenericMessage()
    {
        using var channel = CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(EchoMethods.Fail, new FailRequest { ThrowUnexpected = true }));

        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.DoesNotContain("secret", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unary_DeadlinePasses_HandlerSeesCancellation()
    {
        using var channel = CreateChannel();
        var before = Fixture.Service.SlowCallsCancelled;

        await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(EchoMethods.Slow, new SlowRequest { DelayMs = 10_000 }, CallOptions.WithTimeout(TimeSpan.FromMilliseconds(300))));

        await WaitUntilAsync(() => Fixture.Service.SlowCallsCancelled > before);
    }

    [Fact]
    public async Task Unary_CancelledByCaller_HandlerSeesCancellation()
    {
        using var channel = CreateChannel();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var before = Fixture.Service.SlowCallsCancelled;

        await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(EchoMethods.Slow, new SlowRequest { DelayMs = 10_000 }, new CallOptions(CancellationToken: cts.Token)));

        await WaitUntilAsync(() => Fixture.Service.SlowCallsCancelled > before);
    }
}
