using System.Collections.Concurrent;
using System.Threading.Channels;
using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Node.Jobs;

/// <summary>Fan-out of job changes to watchers. A watcher that falls behind sees only the latest state.</summary>
/// <remarks>Thread-safe.</remarks>
public sealed class JobEvents
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Channel<Job>, byte>> _watchers = new(StringComparer.Ordinal);

    /// <summary>Starts receiving changes of job <paramref name="jobId"/>; dispose the subscription to stop.</summary>
    public Subscription Subscribe(string jobId)
    {
        var channel = Channel.CreateBounded<Job>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        _watchers.GetOrAdd(jobId, _ => new()).TryAdd(channel, 0);
        return new Subscription(channel.Reader, () =>
        {
            if (_watchers.TryGetValue(jobId, out var set))
            {
                set.TryRemove(channel, out _);
            }
        });
    }

    public void Publish(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (_watchers.TryGetValue(job.Id, out var set))
        {
            foreach (var channel in set.Keys)
            {
                channel.Writer.TryWrite(job.Clone());
            }
        }
    }

    /// <summary>A watcher's stream of changes.</summary>
    public sealed class Subscription(ChannelReader<Job> reader, Action unsubscribe) : IDisposable
    {
        public ChannelReader<Job> Reader { get; } = reader;

        public void Dispose() => unsubscribe();
    }
}
