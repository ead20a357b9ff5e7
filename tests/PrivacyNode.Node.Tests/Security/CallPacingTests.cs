using Grpc.Core;
using PrivacyNode.Node.Security;

namespace PrivacyNode.Node.Tests.Security;

/// <summary>Each local user's calls are paced: a burst of one second's worth passes, later calls wait their turn, a backlog is refused.</summary>
public sealed class CallPacingTests
{
    [Fact]
    public async Task Pacing_LetsABurstThrough_ThenMakesCallsWait_AndRefusesABacklogOfMoreThanTenSeconds()
    {
        // One call a second: a burst of two passes at once; the k-th call after it waits k seconds.
        var pacing = new CallPacing(1, TimeProvider.System);
        using var cancel = new CancellationTokenSource();

        Assert.True(pacing.WaitTurnAsync("li.na", cancel.Token).AsTask().IsCompletedSuccessfully);
        Assert.True(pacing.WaitTurnAsync("li.na", cancel.Token).AsTask().IsCompletedSuccessfully);
        var waiting = Enumerable.Range(0, 10).Select(_ => pacing.WaitTurnAsync("li.na", cancel.Token).AsTask()).ToList();
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await pacing.WaitTurnAsync("li.na", cancel.Token));
        var other = pacing.WaitTurnAsync("wang.fang", cancel.Token).AsTask();

        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("li.na", refused.Status.Detail, StringComparison.Ordinal);
        Assert.True(other.IsCompletedSuccessfully, "another user's call waited for this one's");
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting[0]);
    }
}
