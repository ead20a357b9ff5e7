using PrivacyNode.Node.WebConsole;

namespace PrivacyNode.Node.Tests.WebConsole;

public sealed class ConsoleSessionsTests
{
    private static readonly byte[] TokenHash = new byte[32];

    [Fact]
    public void Session_EndsAfterIdleTime_AndUseKeepsItAlive()
    {
        var clock = new ManualClock();
        var sessions = new ConsoleSessions(clock, TimeSpan.FromMinutes(15));
        var id = sessions.Start(TokenHash);

        clock.Advance(TimeSpan.FromMinutes(14));
        Assert.NotNull(sessions.Find(id));
        clock.Advance(TimeSpan.FromMinutes(14));
        Assert.NotNull(sessions.Find(id));
        clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Null(sessions.Find(id));
        clock.Advance(-TimeSpan.FromMinutes(15));
        Assert.Null(sessions.Find(id));
    }

    [Fact]
    public void Session_EndsAfterItsLifetime_HoweverActive()
    {
        var clock = new ManualClock();
        var sessions = new ConsoleSessions(clock, TimeSpan.FromMinutes(15));
        var id = sessions.Start(TokenHash);
        for (var elapsed = TimeSpan.Zero; elapsed < ConsoleSessions.MaxLifetime - TimeSpan.FromMinutes(10); elapsed += TimeSpan.FromMinutes(10))
        {
            Assert.NotNull(sessions.Find(id));
            clock.Advance(TimeSpan.FromMinutes(10));
        }

        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Null(sessions.Find(id));
    }

    [Fact]
    public void Sessions_HaveTheirOwnIdsAndFormTokens_AndEndOnSignOut()
    {
        var sessions = new ConsoleSessions(new ManualClock(), TimeSpan.FromMinutes(15));
        var first = sessions.Start(TokenHash);
        var second = sessions.Start(TokenHash);

        Assert.NotEqual(first, second);
        Assert.Equal(43, first.Length);
        Assert.NotEqual(sessions.Find(first)!.FormToken, sessions.Find(second)!.FormToken);
        sessions.End(first);
        Assert.Null(sessions.Find(first));
        Assert.NotNull(sessions.Find(second));
        Assert.Null(sessions.Find(null));
        Assert.Null(sessions.Find(new string('a', 10_000)));
    }

    [Fact]
    public void SameSecret_ComparesWholeValues()
    {
        Assert.True(ConsoleSessions.SameSecret("abc", "abc"));
        Assert.False(ConsoleSessions.SameSecret("abc", "abd"));
        Assert.False(ConsoleSessions.SameSecret("abc", "ab"));
        Assert.False(ConsoleSessions.SameSecret("abc", null));
        Assert.False(ConsoleSessions.SameSecret(null, null));
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
