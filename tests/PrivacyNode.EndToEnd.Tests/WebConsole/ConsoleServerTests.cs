using System.Net;
using System.Text.Json;
using PrivacyNode.Contracts;

namespace PrivacyNode.EndToEnd.Tests.WebConsole;

/// <summary>The console over plain HTTP: sign-in, roles, form tokens, sessions, paging, filters and export, on a real node.</summary>
public sealed class ConsoleServerTests : IAsyncLifetime
{
    private readonly CliNodes _nodes = new();
    private CliNodes.Handle _admin = null!;
    private CliNodes.Handle _auditor = null!;
    private CliNodes.Handle _analyst = null!;

    public async Task InitializeAsync()
    {
        _admin = await _nodes.InitAndServeAsync("bureau");
        _auditor = await CliNodes.AddUserAsync(_admin, "zhou.min", "auditor");
        _analyst = await CliNodes.AddUserAsync(_admin, "li.na", "analyst");
    }

    public async Task DisposeAsync() => await _nodes.StopAllAsync();

    [Fact]
    public async Task Console_IsOnLoopback_AndEveryResponseLocksThePageDown()
    {
        using var client = Client();
        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(client.Address.Host)));

        var (status, html, response) = await client.GetAsync("/signin");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<form method=\"post\" action=\"/signin\">", html, StringComparison.Ordinal);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/assets/console.css")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/assets/other.js")).Status);
    }

    [Fact]
    public async Task RequestsForAnotherHost_AreRefused()
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/signin");
        request.Headers.Host = "console.example:" + client.Address.Port;

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
    }

    [Fact]
    public async Task SignIn_WithAValidToken_SetsAStrictHttpOnlyCookie_AndAnUnknownTokenIsRefusedAndAudited()
    {
        using var client = Client();
        var refused = await client.SignInAsync("pn_" + new string('A', 43));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("unknown or has been revoked", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var accepted = await client.SignInAsync(_auditor.Token);

        Assert.Equal(HttpStatusCode.Found, accepted.StatusCode);
        Assert.Equal("/audit", accepted.Headers.Location!.ToString());
        var cookie = accepted.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("pn_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        var records = await RecordsAsync();
        Assert.Contains(records, r => Text(r, "action") == "call.refused" && Detail(r, "method") == "console POST /signin" && Text(r, "reasonCode") == "unauthenticated");
        Assert.Contains(records, r => Text(r, "action") == "console.sign-in" && Text(r, "actor") == "zhou.min");
    }

    [Fact]
    public async Task EachRole_OpensItsOwnPagesOnly_AndEveryRefusalIsAudited()
    {
        var open = new Dictionary<CliNodes.Handle, string[]>
        {
            [_admin] = ["/overview", "/jobs", "/access", "/peers", "/datasets"],
            [_auditor] = ["/overview", "/audit", "/audit/check", "/audit/records/1"],
            [_analyst] = ["/jobs"],
        };
        var all = open.Values.SelectMany(p => p).Distinct().ToList();
        foreach (var (user, pages) in open)
        {
            using var client = Client();
            await client.SignInAsync(user.Token);
            foreach (var page in all)
            {
                var (status, html, _) = await client.GetAsync(page);
                Assert.True(status == (pages.Contains(page) ? HttpStatusCode.OK : HttpStatusCode.Forbidden), $"{page} as {user.Token[..6]}: {status}");
                if (status == HttpStatusCode.Forbidden)
                {
                    Assert.Contains("not open to your role", html, StringComparison.Ordinal);
                }
            }
        }

        var refusals = (await RecordsAsync()).Where(r => Text(r, "action") == "call.refused" && Detail(r, "method").StartsWith("console GET", StringComparison.Ordinal)).ToList();
        Assert.Contains(refusals, r => Text(r, "actor") == "li.na" && Detail(r, "method") == "console GET /audit" && Text(r, "reasonCode") == "permission-denied");
        Assert.Contains(refusals, r => Text(r, "actor") == "zhou.min" && Detail(r, "method") == "console GET /access");
        Assert.Equal(all.Count * 3 - open.Values.Sum(p => p.Length), refusals.Count);
    }

    [Fact]
    public async Task Forms_WithoutTheSessionsToken_OrFromAnotherSite_AreRefusedAndAudited()
    {
        using var client = Client();
        await client.SignInAsync(_admin.Token);
        await client.GetAsync("/access");
        var revoke = new Dictionary<string, string> { ["grant"] = "grt-none", ["reason"] = "test" };

        var withoutToken = await client.PostAsync("/access/revoke", new Dictionary<string, string>(revoke), withToken: false);
        var wrongToken = await client.PostAsync("/access/revoke", new Dictionary<string, string>(revoke) { ["_form"] = "forged" }, withToken: false);
        using var foreign = new HttpRequestMessage(HttpMethod.Post, "/access/revoke")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>(revoke) { ["_form"] = client.FormToken! }),
        };
        foreign.Headers.Add("Sec-Fetch-Site", "cross-site");
        var crossSite = await client.SendAsync(foreign);
        var withToken = await client.PostAsync("/access/revoke", new Dictionary<string, string>(revoke));

        Assert.Equal(HttpStatusCode.Forbidden, withoutToken.Status);
        Assert.Equal(HttpStatusCode.Forbidden, wrongToken.Status);
        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        // With its token the form reaches the access service, which refuses an unknown grant in its own words.
        Assert.Equal(HttpStatusCode.NotFound, withToken.Status);
        Assert.Contains("grt-none", withToken.Html, StringComparison.Ordinal);
        var refusals = (await RecordsAsync()).Where(r => Text(r, "action") == "call.refused" && Detail(r, "method") == "console POST /access/revoke").ToList();
        Assert.Equal(4, refusals.Count);
        Assert.Equal(3, refusals.Count(r => Text(r, "reasonCode") == "permission-denied"));
        Assert.All(refusals, r => Assert.Equal("admin", Text(r, "actor")));
    }

    [Fact]
    public async Task SignOut_AndRemovingTheUser_EndTheSession()
    {
        using var first = Client();
        await first.SignInAsync(_analyst.Token);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/jobs")).Status);
        var signedOut = await first.PostAsync("/signout", []);
        Assert.Equal("/signin", signedOut.Response.Headers.Location!.ToString());
        var after = await first.GetAsync("/jobs");
        Assert.Equal(HttpStatusCode.Found, after.Status);
        Assert.StartsWith("/signin?next=", after.Response.Headers.Location!.ToString(), StringComparison.Ordinal);

        var removed = await CliNodes.AddUserAsync(_admin, "temp.user", "analyst");
        using var second = Client();
        await second.SignInAsync(removed.Token);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/jobs")).Status);
        await CliNodes.CliOkAsync(_admin, "user", "remove", "temp.user");
        Assert.Equal(HttpStatusCode.Found, (await second.GetAsync("/jobs")).Status);
        var posted = await second.PostAsync("/signout", []);
        Assert.Equal(HttpStatusCode.Found, posted.Status);
        Assert.Contains(await RecordsAsync(), r => Text(r, "action") == "call.refused" && Detail(r, "method") == "console POST /signout" && Text(r, "actor") == "anonymous");
    }

    [Fact]
    public async Task AuditView_PagesNewestFirst_AndFilters()
    {
        using var anonymous = Client();
        for (var i = 0; i < 60; i++)
        {
            await anonymous.SignInAsync("pn_" + new string('B', 43));
        }

        using var client = Client();
        await client.SignInAsync(_auditor.Token);
        var first = await client.GetAsync("/audit?action=call.refused&outcome=deny");
        var firstSeqs = Seqs(first.Html);
        Assert.Equal(50, firstSeqs.Count);
        Assert.True(firstSeqs.SequenceEqual(firstSeqs.OrderDescending()));
        var older = System.Text.RegularExpressions.Regex.Match(first.Html, "rel=\"next\" href=\"([^\"]+)\"").Groups[1].Value;
        Assert.Contains("before=" + firstSeqs[^1], WebUtility.HtmlDecode(older), StringComparison.Ordinal);
        var second = await client.GetAsync(WebUtility.HtmlDecode(older));
        var secondSeqs = Seqs(second.Html);
        Assert.Equal(10, secondSeqs.Count);
        Assert.True(secondSeqs.Max() < firstSeqs.Min());
        Assert.DoesNotContain("rel=\"next\"", second.Html, StringComparison.Ordinal);

        var byText = Seqs((await client.GetAsync("/audit?q=CONSOLE%20POST%20%2Fsignin")).Html);
        Assert.Equal(firstSeqs, byText);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(firstSeqs, Seqs((await client.GetAsync($"/audit?action=call.refused&from={today}&to={today}")).Html));
        Assert.Empty(Seqs((await client.GetAsync("/audit?action=call.refused&from=2001-01-01&to=2001-01-02")).Html));
        Assert.Single(Seqs((await client.GetAsync("/audit?action=node.init")).Html));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/audit?from=yesterday")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/audit?before=-1")).Status);
    }

    [Fact]
    public async Task Export_IsTheFileTheCommandLineWrites()
    {
        using var client = Client();
        await client.SignInAsync(_auditor.Token);

        var (status, text, response) = await client.GetAsync("/audit/export");
        var cli = (await CliNodes.CliOkAsync(_auditor, "audit", "export")).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("attachment; filename=\"bureau-audit-", response.Content.Headers.ContentDisposition!.ToString(), StringComparison.Ordinal);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(cli[1..lines.Length], lines[1..]);
        Assert.True(new AuditVerifier().Verify(lines, null).Ok);
        Assert.Equal(JsonDocument.Parse(cli[0]).RootElement.GetProperty("publicKey").GetString(), JsonDocument.Parse(lines[0]).RootElement.GetProperty("publicKey").GetString());
    }

    [Fact]
    public async Task Language_IsSwitchedPerBrowser()
    {
        using var client = Client();
        await client.SignInAsync(_admin.Token);
        Assert.Contains("<html lang=\"en\">", (await client.GetAsync("/overview")).Html, StringComparison.Ordinal);

        var switched = await client.GetAsync("/language?to=zh-CN&next=%2Foverview");
        Assert.Equal("/overview", switched.Response.Headers.Location!.ToString());
        var page = (await client.GetAsync("/overview")).Html;

        Assert.Contains("<html lang=\"zh-CN\">", page, StringComparison.Ordinal);
        Assert.Contains("概览", page, StringComparison.Ordinal);
        Assert.Equal("/", (await client.GetAsync("/language?to=fr&next=https%3A%2F%2Fevil.example")).Response.Headers.Location!.ToString());
    }

    private ConsoleClient Client() => new(ConsoleClient.AddressOf(_admin));

    private async Task<List<JsonElement>> RecordsAsync() => (await CliNodes.AuditExportAsync(_auditor)).Records;

    private static string Text(JsonElement record, string name) => record.TryGetProperty(name, out var value) ? value.GetString() ?? string.Empty : string.Empty;

    private static string Detail(JsonElement record, string name) => CliNodes.AuditDetail(record, name);

    private static List<ulong> Seqs(string html) =>
        [.. System.Text.RegularExpressions.Regex.Matches(html, "href=\"/audit/records/(\\d+)\"").Select(m => ulong.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];
}
