using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace PrivacyNode.Node.WebConsole;

/// <summary>
/// Signed-in console sessions, in memory (a restart signs everyone out). A session is named by a random 256-bit id that only the
/// browser holds, in an HttpOnly cookie; this keeps its SHA-256. It ends after <c>idle</c> without a request, after
/// <see cref="MaxLifetime"/> in any case, or on sign-out. Each session has its own random token that every form must carry back.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class ConsoleSessions(TimeProvider clock, TimeSpan idle)
{
    /// <summary>The longest a session lasts, however active.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(12);

    /// <summary>The most sessions kept; signing in beyond it ends the least recently used.</summary>
    private const int MaxSessions = 1000;

    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    /// <summary>One signed-in browser: whose token it signed in with, its form token, and when it was last used.</summary>
    public sealed class Session(byte[] tokenHash, string formToken, DateTimeOffset started)
    {
        /// <summary>The SHA-256 of the bearer token signed in with; every request looks the user up by it again.</summary>
        public byte[] TokenHash { get; } = tokenHash;

        /// <summary>The value every form posted in this session must carry.</summary>
        public string FormToken { get; } = formToken;

        public DateTimeOffset Started { get; } = started;

        public DateTimeOffset LastSeen { get; internal set; } = started;
    }

    /// <summary>Starts a session for the user whose token hashes to <paramref name="tokenHash"/>; returns the cookie value.</summary>
    public string Start(byte[] tokenHash)
    {
        var now = clock.GetUtcNow();
        foreach (var (key, session) in _sessions)
        {
            if (Expired(session, now))
            {
                _sessions.TryRemove(key, out _);
            }
        }

        while (_sessions.Count >= MaxSessions && _sessions.MinBy(p => p.Value.LastSeen) is { Key: { } oldest })
        {
            _sessions.TryRemove(oldest, out _);
        }

        var id = NewSecret();
        _sessions[KeyOf(id)] = new Session(tokenHash, NewSecret(), now);
        return id;
    }

    /// <summary>The live session named by <paramref name="cookie"/>, now marked used; null when there is none or it expired.</summary>
    public Session? Find(string? cookie)
    {
        if (string.IsNullOrEmpty(cookie) || cookie.Length > 64 || !_sessions.TryGetValue(KeyOf(cookie), out var session))
        {
            return null;
        }

        var now = clock.GetUtcNow();
        if (Expired(session, now))
        {
            _sessions.TryRemove(KeyOf(cookie), out _);
            return null;
        }

        session.LastSeen = now;
        return session;
    }

    /// <summary>Ends the session named by <paramref name="cookie"/>, if any.</summary>
    public void End(string? cookie)
    {
        if (!string.IsNullOrEmpty(cookie))
        {
            _sessions.TryRemove(KeyOf(cookie), out _);
        }
    }

    /// <summary>32 random bytes, base64url.</summary>
    public static string NewSecret() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>Whether two secrets are equal, in time independent of where they differ.</summary>
    public static bool SameSecret(string? a, string? b) =>
        a is not null && b is not null && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(a), System.Text.Encoding.UTF8.GetBytes(b));

    private bool Expired(Session session, DateTimeOffset now) => now - session.LastSeen >= idle || now - session.Started >= MaxLifetime;

    private static string KeyOf(string id) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
