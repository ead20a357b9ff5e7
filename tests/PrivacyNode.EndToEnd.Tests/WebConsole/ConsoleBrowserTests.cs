using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using PrivacyNode.Contracts.V1;
using static Microsoft.Playwright.Assertions;

namespace PrivacyNode.EndToEnd.Tests.WebConsole;

/// <summary>The console in a real browser (Debian's chromium), as each role uses it. Screenshots of the main views go to the test output.</summary>
public sealed class ConsoleBrowserTests(ConsoleBrowserFixture agencies) : IClassFixture<ConsoleBrowserFixture>
{
    private static readonly LocatorAssertionsToContainTextOptions Patiently = new() { Timeout = 30_000 };

    [Fact]
    public async Task Auditor_FiltersTheLog_OpensARecordWithItsReceipt_AndExports()
    {
        var page = await agencies.SignInAsync(agencies.Bureau, agencies.BureauAuditor);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/audit$"));
        await Expect(page.Locator("table.records tbody tr").First).ToBeVisibleAsync();
        await ConsoleBrowserFixture.ScreenshotAsync(page, "audit-log");

        await page.FillAsync("input[name=action]", "policy.decision");
        await page.ClickAsync("form.filters button[type=submit]");
        var rows = page.Locator("table.records tbody tr");
        await Expect(rows.First).ToContainTextAsync("policy.decision");
        Assert.Equal(await rows.CountAsync(), await rows.Filter(new() { HasText = "policy.decision" }).CountAsync());
        await Expect(rows.First).ToContainTextAsync("peer:insurer");
        await rows.First.Locator("a").First.ClickAsync();

        await Expect(page.Locator("h1")).ToContainTextAsync("Record #");
        await Expect(page.Locator("ul.checks li.bad")).ToHaveCountAsync(0);
        await Expect(page.Locator("ul.checks").First).ToContainTextAsync("The hash matches the record's content.");
        await Expect(page.Locator("ul.checks").Last).ToContainTextAsync("signed by the peer's audit key");
        await Expect(page.Locator("table.fields").Last).ToContainTextAsync("job:");
        await ConsoleBrowserFixture.ScreenshotAsync(page, "audit-record");

        await page.GotoAsync(ConsoleClient.AddressOf(agencies.Bureau) + "audit");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("a[href='/audit/export']"));
        var lines = await File.ReadAllLinesAsync((await download.PathAsync())!);
        Assert.True(new Contracts.AuditVerifier().Verify(lines, null).Ok);
        Assert.Equal("privacynode-audit/1", JsonDocument.Parse(lines[0]).RootElement.GetProperty("format").GetString());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Auditor_ChecksTheChain_MatchingAPeersExport()
    {
        var export = Path.Combine(agencies.Nodes.Root, "insurer-export.jsonl");
        await File.WriteAllTextAsync(export, await CliNodes.CliOkAsync(agencies.InsurerAuditor, "audit", "export"));
        var page = await agencies.SignInAsync(agencies.Bureau, agencies.BureauAuditor);
        await page.ClickAsync("nav a[href='/audit/check']");

        await page.SetInputFilesAsync("input[name=peer_export]", export);
        await page.ClickAsync("form.check button[type=submit]");

        var verdict = page.Locator(".verdict");
        await Expect(verdict).ToContainTextAsync("chain and verify", new() { Timeout = 30_000 });
        await Expect(verdict).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("ok"));
        await Expect(verdict).Not.ToContainTextAsync(" 0 matched");
        await ConsoleBrowserFixture.ScreenshotAsync(page, "chain-check");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TamperedRecord_IsFlaggedByTheChainCheck_InPlace()
    {
        var nodes = new CliNodes();
        try
        {
            var node = await nodes.InitAndServeAsync("civil");
            var auditor = await CliNodes.AddUserAsync(node, "zhou.min", "auditor");
            await CliNodes.AddUserAsync(node, "li.na", "analyst");
            await using (var store = new SqliteConnection($"Data Source={Path.Combine(node.DataDirectory, "node.db")};Pooling=False"))
            {
                await store.OpenAsync();
                await using var read = store.CreateCommand();
                read.CommandText = "SELECT record FROM audit_records WHERE seq = 2";
                var record = AuditRecord.Parser.ParseFrom((byte[])(await read.ExecuteScalarAsync())!);
                record.Actor = "someone-else";
                await using var write = store.CreateCommand();
                write.CommandText = "UPDATE audit_records SET record = @r WHERE seq = 2";
                write.Parameters.AddWithValue("@r", Google.Protobuf.MessageExtensions.ToByteArray(record));
                await write.ExecuteNonQueryAsync();
            }

            var page = await agencies.SignInAsync(node, auditor);
            await page.GotoAsync(ConsoleClient.AddressOf(node) + "audit/check");
            await page.ClickAsync("form.check button[type=submit]");

            var verdict = page.Locator(".verdict");
            await Expect(verdict).ToContainTextAsync("Record 2 (user.add) is bad: its hash does not match its content", new() { Timeout = 30_000 });
            await ConsoleBrowserFixture.ScreenshotAsync(page, "chain-check-tampered");
            await verdict.Locator("a.button").ClickAsync();
            await Expect(page.Locator("h1")).ToContainTextAsync("Record #2");
            await Expect(page.Locator("p.refusal").First).ToContainTextAsync("The last chain check flagged this record");
            await Expect(page.Locator("ul.checks li.bad")).ToContainTextAsync("the record was altered");
            await ConsoleBrowserFixture.ScreenshotAsync(page, "audit-record-tampered");
            await page.GotoAsync(ConsoleClient.AddressOf(node) + "audit");
            await Expect(page.Locator("table.records tr.bad")).ToContainTextAsync("someone-else");
            await page.Context.CloseAsync();
        }
        finally
        {
            await nodes.StopAllAsync();
        }
    }

    [Fact]
    public async Task Admin_ApprovesARequestWithAReason_AndTheRequesterHoldsTheGrant()
    {
        var page = await agencies.SignInAsync(agencies.Bureau, agencies.Bureau);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/overview$"));
        await Expect(page.Locator("figure.chart").First).ToContainTextAsync("insurer");
        await ConsoleBrowserFixture.ScreenshotAsync(page, "overview");
        await page.ClickAsync("nav a[href='/access']");
        var request = page.Locator("article.request", new() { HasText = "claims-audit-2027" });
        await Expect(request).ToContainTextAsync("working days left");
        await ConsoleBrowserFixture.ScreenshotAsync(page, "requests");

        // The reason is required: the browser does not send the form without one.
        await request.Locator("form[action='/access/approve'] button").ClickAsync();
        await Expect(request.Locator("form[action='/access/approve'] input[name=reason]")).ToHaveJSPropertyAsync("validity.valueMissing", true);
        await request.Locator("form[action='/access/approve'] input[name=max_uses]").FillAsync("3");
        await request.Locator("form[action='/access/approve'] input[name=reason]").FillAsync("Annual audit sample agreed with the insurer");
        await request.Locator("form[action='/access/approve'] button").ClickAsync();

        await Expect(page.Locator(".notice")).ToContainTextAsync("approved");
        await Expect(page.Locator("article.request", new() { HasText = "claims-audit-2027" })).ToContainTextAsync("approved");
        var grants = JsonDocument.Parse(await CliNodes.CliOkAsync(agencies.Analyst, "grant", "list", "--json")).RootElement.GetProperty("grants").EnumerateArray();
        Assert.Contains(grants, g => g.GetProperty("terms").GetProperty("purposeCode").GetString() == "claims-audit-2027" && g.GetProperty("maxUses").GetString() == "3");
        var (_, records) = await CliNodes.AuditExportAsync(agencies.BureauAuditor);
        Assert.Contains(records, r => r.GetProperty("action").GetString() == "request.approve" && CliNodes.AuditDetail(r, "reason") == "Annual audit sample agreed with the insurer");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Analyst_WatchesTheirJobFinish_WithItsResult()
    {
        var page = await agencies.SignInAsync(agencies.Insurer, agencies.Analyst);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/jobs$"));
        var submitted = await CliNodes.CliOkAsync(agencies.Analyst, "job", "submit", "--kind", "psi", "--grant", agencies.Grant, "--input", "claimants:id_number", "--json");
        var job = JsonDocument.Parse(submitted).RootElement.GetProperty("id").GetString()!;

        await page.GotoAsync(ConsoleClient.AddressOf(agencies.Insurer) + "jobs/" + job);
        await Expect(page.Locator(".progress-text")).ToContainTextAsync("succeeded", Patiently);
        await Expect(page.Locator("[data-poll]")).ToHaveAttributeAsync("data-done", "true");
        var status = await page.Context.APIRequest.GetAsync(ConsoleClient.AddressOf(agencies.Insurer) + "jobs/" + job + "/status");
        var json = JsonDocument.Parse(await status.TextAsync()).RootElement;
        Assert.True(json.GetProperty("done").GetBoolean());
        Assert.Equal(1.0, json.GetProperty("progress").GetDouble());
        await Expect(page.Locator("table.result tbody tr")).ToHaveCountAsync(20);
        await Expect(page.Locator("table.fields").Last).ToContainTextAsync("intersection_size");
        await page.ClickAsync("nav a[href='/jobs']");
        await Expect(page.Locator("table tbody tr", new() { HasText = job })).ToContainTextAsync("succeeded");
        await ConsoleBrowserFixture.ScreenshotAsync(page, "jobs");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Roles_CannotOpenOrPostEachOthersPages()
    {
        var analyst = await agencies.SignInAsync(agencies.Bureau, await CliNodes.AddUserAsync(agencies.Bureau, "wu.lei", "analyst"));
        Assert.Equal(0, await analyst.Locator("nav a[href='/audit'], nav a[href='/access']").CountAsync());
        var console = ConsoleClient.AddressOf(agencies.Bureau);
        foreach (var path in new[] { "audit", "access", "peers", "overview", "audit/records/1" })
        {
            var response = await analyst.GotoAsync(console + path);
            Assert.Equal(403, response!.Status);
            await Expect(analyst.Locator("p.refusal")).ToContainTextAsync("not open to your role");
        }

        await analyst.GotoAsync(console + "jobs");
        var token = await analyst.Locator("input[name=_form]").First.GetAttributeAsync("value");
        var form = analyst.Context.APIRequest.CreateFormData().Set("_form", token!).Set("peer", "insurer").Set("request", "req-x").Set("reason", "no");
        var post = await analyst.Context.APIRequest.PostAsync(console + "access/refuse", new APIRequestContextOptions
        {
            Form = form,
            Headers = new Dictionary<string, string> { ["Origin"] = console.GetLeftPart(UriPartial.Authority) },
        });
        Assert.Equal(403, post.Status);

        var auditor = await agencies.SignInAsync(agencies.Bureau, agencies.BureauAuditor);
        Assert.Equal(403, (await auditor.GotoAsync(console + "access"))!.Status);
        Assert.Equal(403, (await auditor.GotoAsync(console + "jobs"))!.Status);
        var (_, records) = await CliNodes.AuditExportAsync(agencies.BureauAuditor);
        Assert.Contains(records, r => r.GetProperty("action").GetString() == "call.refused" && r.GetProperty("actor").GetString() == "wu.lei" && CliNodes.AuditDetail(r, "method") == "console POST /access/refuse");
        Assert.Contains(records, r => r.GetProperty("action").GetString() == "call.refused" && r.GetProperty("actor").GetString() == "zhou.min" && CliNodes.AuditDetail(r, "method") == "console GET /jobs");
        await analyst.Context.CloseAsync();
        await auditor.Context.CloseAsync();
    }

    [Fact]
    public async Task Console_SwitchesToChinese_AndRendersIt()
    {
        var page = await agencies.SignInAsync(agencies.Bureau, agencies.BureauAuditor);
        await page.ClickAsync(".languages a[lang='zh-CN']");

        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Expect(page.Locator("header nav")).ToContainTextAsync("审计日志");
        await Expect(page.Locator("h1")).ToHaveTextAsync("审计日志");
        await ConsoleBrowserFixture.ScreenshotAsync(page, "audit-log-zh");
        await page.ClickAsync("nav a[href='/overview']");
        await Expect(page.Locator("h1")).ToHaveTextAsync("概览");
        await ConsoleBrowserFixture.ScreenshotAsync(page, "overview-zh");
        await page.Context.CloseAsync();
    }
}
