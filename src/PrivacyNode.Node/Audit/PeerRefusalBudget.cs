using System.Globalization;

namespace PrivacyNode.Node.Audit;

/// <summary>
/// How many refusals of one peer's calls the audit log records one by one: <see cref="PerInterval"/> per peer and interval. Beyond
/// that, refusals are counted, and at the end of the interval one <c>peer.refusals-coalesced</c> record says how many were refused
/// and not recorded singly. So a paired peer that repeats refused calls grows the log by a bounded amount per interval.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class PeerRefusalBudget : IAsyncDisposable
{
    /// <summary>Refusals recorded one by one per peer and interval.</summary>
    public const int PerInterval = 30;

    private readonly AuditLog _audit;
    private readonly TimeProvider _clock;
    private readonly ITimer _timer;
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public PeerRefusalBudget(AuditLog audit, TimeProvider clock, TimeSpan interval)
    {
        _audit = audit;
        _clock = clock;
        _timer = clock.CreateTimer(_ => _ = FlushAsync(), null, interval, interval);
    }

    /// <summary>Whether this refusal of <paramref name="peer"/>'s call may be recorded singly; if not, it is counted for the coalesced record.</summary>
    public bool TryTake(string peer)
    {
        lock (_windows)
        {
            if (!_windows.TryGetValue(peer, out var window))
            {
                window = _windows[peer] = new Window(_clock.GetUtcNow());
            }

            if (window.Recorded < PerInterval)
            {
                window.Recorded++;
                return true;
            }

            window.Coalesced++;
            return false;
        }
    }

    /// <summary>Whether <paramref name="peer"/>'s refusals in this interval are no longer recorded singly.</summary>
    public bool IsSpent(string peer)
    {
        lock (_windows)
        {
            return _windows.TryGetValue(peer, out var window) && window.Recorded >= PerInterval;
        }
    }

    /// <summary>Counts a refusal for the coalesced record if <paramref name="peer"/>'s budget is spent; false (nothing counted) if not.</summary>
    public bool TryCountBeyond(string peer)
    {
        lock (_windows)
        {
            if (!IsSpent(peer))
            {
                return false;
            }

            _windows[peer].Coalesced++;
            return true;
        }
    }

    /// <summary>Ends the interval: one coalesced record per peer with refusals not recorded singly; every peer's budget starts again.</summary>
    public async Task FlushAsync()
    {
        List<(string Peer, Window Window)> ended;
        lock (_windows)
        {
            ended = [.. _windows.Where(w => w.Value.Coalesced > 0).Select(w => (w.Key, w.Value))];
            _windows.Clear();
        }

        var now = _clock.GetUtcNow();
        foreach (var (peer, window) in ended)
        {
            try
            {
                await _audit.AppendAsync(Actor.Peer(peer).Does("peer.refusals-coalesced", "deny") with
                {
                    Peer = peer,
                    Details = new Dictionary<string, string>
                    {
                        ["refused"] = window.Coalesced.ToString(CultureInfo.InvariantCulture),
                        ["from"] = window.Start.ToString("O", CultureInfo.InvariantCulture),
                        ["to"] = now.ToString("O", CultureInfo.InvariantCulture),
                    },
                }, CancellationToken.None);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or ObjectDisposedException)
            {
                // The store is unavailable for now: the count goes into the next interval's record.
                lock (_windows)
                {
                    var next = _windows.TryGetValue(peer, out var current) ? current : _windows[peer] = new Window(window.Start) { Recorded = PerInterval };
                    next.Coalesced += window.Coalesced;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync();
        await FlushAsync();
    }

    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;

        public int Recorded { get; set; }

        public long Coalesced { get; set; }
    }
}
