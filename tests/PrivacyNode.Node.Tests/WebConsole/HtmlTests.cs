using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Access;
using PrivacyNode.Node.WebConsole;

namespace PrivacyNode.Node.Tests.WebConsole;

public sealed class HtmlTests
{
    [Fact]
    public void Holes_AreEncoded_LiteralsAndMarkupAreNot()
    {
        var hostile = "<script>alert(\"x\")</script>&'";
        var inner = Html.Of($"<b>{hostile}</b>");

        var page = Html.Of($"<p title=\"{hostile}\">{inner} {42} {"数据"}</p>");

        Assert.DoesNotContain("<script>", page.Value, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#x27;", page.Value, StringComparison.Ordinal);
        Assert.StartsWith("<p title=\"&lt;", page.Value, StringComparison.Ordinal);
        Assert.Contains("<b>&lt;script", page.Value, StringComparison.Ordinal);
        Assert.EndsWith(" 42 数据</p>", page.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void If_AndJoin_ComposeMarkup()
    {
        Assert.Equal(string.Empty, Html.If(false, $"<i>{"x"}</i>").Value);
        Assert.Equal("<i>x</i>", Html.If(true, $"<i>{"x"}</i>").Value);
        Assert.Equal("<li>a&lt;</li><li>b</li>", Html.Join(["a<", "b"], s => Html.Of($"<li>{s}</li>")).Value);
    }

    [Fact]
    public void EveryText_ExistsInBothLanguages_ForEveryValueShown()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "PrivacyNode.sln")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        var sources = string.Concat(Directory.GetFiles(Path.Combine(root, "src", "PrivacyNode.Node", "WebConsole"), "*.cs").Select(File.ReadAllText));
        // Every quoted key-like literal but an audit action (Does("audit.verify")) names a text.
        var used = System.Text.RegularExpressions.Regex.Matches(sources, "(?<!Does\\()\"((?:nav|field|audit|check|jobs|access|peers|datasets|overview|signin|error|state|request|role|sharing)\\.[a-z0-9.-]*[a-z0-9])\"")
            .Select(m => m.Groups[1].Value).Concat(["signout"]).ToHashSet();
        used.UnionWith(Enum.GetValues<JobState>().Select(s => "state." + s.ToString().ToLowerInvariant()));
        used.UnionWith(Enum.GetValues<RequestState>().Select(s => "request." + s.ToString().ToLowerInvariant()));
        used.UnionWith(Enum.GetValues<Sharing>().Select(s => "sharing." + s.ToString().ToLowerInvariant()));
        used.UnionWith(["role.admin", "role.analyst", "role.auditor", "access.done.approved", "access.done.refused", "access.done.revoked"]);

        Assert.Empty(used.Except(ConsoleText.Keys));
        Assert.All(ConsoleText.Keys, key =>
        {
            Assert.False(string.IsNullOrWhiteSpace(ConsoleText.Get(key, "en")), key);
            Assert.NotEqual(ConsoleText.Get(key, "en"), ConsoleText.Get(key, "zh-CN"));
        });
    }

    [Theory]
    [InlineData("2026-12-07T09:00:00Z", "2026-12-09T09:00:00Z", 2)]
    [InlineData("2026-12-04T09:00:00Z", "2026-12-07T09:00:00Z", 1)]
    [InlineData("2026-12-04T09:00:00Z", "2026-12-04T18:00:00Z", 0)]
    [InlineData("2026-12-07T09:00:00Z", "2026-12-04T09:00:00Z", -1)]
    [InlineData("2026-12-07T09:00:00Z", "2026-12-21T09:00:00Z", 10)]
    public void WorkingDaysLeft_CountsWeekdays(string now, string deadline, int expected)
    {
        Assert.Equal(expected, WorkingDays.Left(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse(deadline, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(WorkingDays.Add(DateTimeOffset.Parse("2026-12-07T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture), 10), DateTimeOffset.Parse("2026-12-21T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    }
}
