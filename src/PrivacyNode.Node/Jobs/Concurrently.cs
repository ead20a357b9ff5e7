using System.Runtime.ExceptionServices;

namespace PrivacyNode.Node.Jobs;

/// <summary>Work that runs at once (the two halves of an exchange, calls to several peers) and fails as one.</summary>
public static class Concurrently
{
    /// <summary>
    /// Runs every item of <paramref name="work"/> on the thread pool. The first to fail cancels the others, and its
    /// exception (not what the cancellation made the others throw) is thrown once all have ended.
    /// </summary>
    public static async Task RunAsync(IEnumerable<Func<CancellationToken, Task>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ExceptionDispatchInfo? first = null;
        var tasks = work.Select(item => Task.Run(async () =>
        {
            try
            {
                await item(linked.Token);
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref first, ExceptionDispatchInfo.Capture(ex), null);
                await linked.CancelAsync();
                throw;
            }
        }, CancellationToken.None)).ToList();
        try
        {
            await Task.WhenAll(tasks);
        }
        catch when (first is not null)
        {
            first.Throw();
        }
    }
}
