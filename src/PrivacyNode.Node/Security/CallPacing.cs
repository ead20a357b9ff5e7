using Grpc.Core;

namespace PrivacyNode.Node.Security;

/// <summary>
/// Paces each local user's calls to <c>perSecond</c> a second, with bursts of as many: a call beyond that waits for its turn
/// (generic cell rate: each user's next free slot moves on by one interval per call), so a client calling back to back is
/// served at the pace and cannot take the machine from admitted jobs. A call that would wait longer than <see cref="MaxWait"/>
/// is refused (RESOURCE_EXHAUSTED) and takes no slot.
/// </summary>
/// <remarks>Thread-safe. No timer: slots are computed from the clock when calls arrive.</remarks>
public sealed class CallPacing(int perSecond, TimeProvider clock)
{
    /// <summary>The longest a call waits for its turn before it is refused.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    private readonly TimeSpan _interval = TimeSpan.FromSeconds(1.0 / perSecond);
    private readonly TimeSpan _burst = TimeSpan.FromSeconds(1);
    private readonly Dictionary<string, DateTimeOffset> _next = new(StringComparer.Ordinal);

    /// <summary>Waits for <paramref name="user"/>'s next slot.</summary>
    /// <exception cref="RpcException">RESOURCE_EXHAUSTED: the slot is more than <see cref="MaxWait"/> away.</exception>
    public async ValueTask WaitTurnAsync(string user, CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_next)
        {
            var now = clock.GetUtcNow();
            var next = _next.TryGetValue(user, out var slot) && slot > now ? slot : now;
            wait = next - _burst - now;
            if (wait > MaxWait)
            {
                throw new RpcException(new Status(StatusCode.ResourceExhausted,
                    $"User '{user}' is making more than {perSecond} calls a second and has {(int)MaxWait.TotalSeconds} s of calls waiting; retry later."));
            }

            _next[user] = next + _interval;
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, clock, cancellationToken);
        }
    }
}
