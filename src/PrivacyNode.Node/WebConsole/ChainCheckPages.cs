using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Node.WebConsole;

/// <summary>Chain checks for auditors: start one over the log or a range, optionally with peers' exports, and follow it to its report.</summary>
public static class ChainCheckPages
{
    public static void Map(ConsoleRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Page("/audit/check", [Role.Auditor], FormAsync);
        routes.Form("/audit/check", [Role.Auditor], StartAsync);
        routes.Page("/audit/check/{id}", [Role.Auditor], ShowAsync);
        routes.Page("/audit/check/{id}/status", [Role.Auditor], StatusAsync);
    }

    private static async Task<IResult> FormAsync(ConsoleRequest request)
    {
        var newest = await request.Services.AuditQuery.LastSeqAsync(request.Aborted);
        var earlier = Html.Join(request.Services.ChainChecks.Of(request.Caller.UserId), c => Html.Of($"""
            <tr><td><a href="/audit/check/{c.Id}">{request.Time(c.Started)}</a></td><td>{c.First}–{c.Last}</td><td>{c.PeerExports}</td>
            <td>{Outcome(request, c)}</td></tr>
            """));
        var body = Html.Of($"""
            <p>{request.T("check.intro")}</p>
            <form class="check" method="post" action="/audit/check" enctype="multipart/form-data">
              {Layout.FormToken(request)}
              <label>{request.T("check.first")}<input name="first" type="number" min="1" max="{newest}" value="1" required></label>
              <label>{request.T("check.last")}<input name="last" type="number" min="1" max="{newest}" placeholder="{newest}"></label>
              <label class="wide">{request.T("check.peer-exports")}<input name="peer_export" type="file" multiple accept=".jsonl,.json,.txt"></label>
              <div class="actions"><button type="submit">{request.T("check.start")}</button></div>
            </form>
            <h2>{request.T("check.earlier")}</h2>
            <table><thead><tr><th>{request.T("field.time")}</th><th>{request.T("check.range")}</th><th>{request.T("check.peer-count")}</th><th>{request.T("check.result")}</th></tr></thead>
            <tbody>{earlier}</tbody></table>
            """);
        return Layout.Page(request, request.T("nav.check"), body);
    }

    private static async Task<IResult> StartAsync(ConsoleRequest request)
    {
        var form = await request.Http.Request.ReadFormAsync(request.Aborted);
        var first = Number(request, form["first"].ToString()) ?? 1;
        var last = Number(request, form["last"].ToString());
        var exports = new List<(string Name, string[] Lines)>();
        foreach (var file in form.Files.Where(f => f.Length > 0))
        {
            using var reader = new StreamReader(file.OpenReadStream(), new UTF8Encoding(false, throwOnInvalidBytes: true));
            var lines = new List<string>();
            try
            {
                while (await reader.ReadLineAsync(request.Aborted) is { } line)
                {
                    lines.Add(line);
                }
            }
            catch (DecoderFallbackException)
            {
                throw new ConsoleInputException($"{file.FileName}: {request.T("error.utf8")}");
            }

            exports.Add((file.FileName, [.. lines]));
        }

        var check = await request.Services.ChainChecks.StartAsync(request.Caller.Actor, request.Caller.UserId, first, last, exports, request.Aborted);
        return Results.Redirect("/audit/check/" + check.Id);
    }

    private static Task<IResult> ShowAsync(ConsoleRequest request)
    {
        var check = Find(request);
        var report = check.Report;
        var body = Html.Of($"""
            <p>{request.T("check.range")}: {check.First}–{check.Last} · {request.T("check.peer-count")}: {check.PeerExports} · {request.Time(check.Started)}</p>
            <div class="progress" data-poll="/audit/check/{check.Id}/status" data-done="{(report is null ? "false" : "true")}">
              <progress max="1" value="{check.Progress.ToString("F4", CultureInfo.InvariantCulture)}"></progress>
              <span class="progress-text">{Percent(check.Progress)} · {request.T("check.at")} {check.Checked}</span>
            </div>
            {(report is null ? Html.Of($"<p class=\"muted\">{request.T("check.running")}</p>") : Result(request, check))}
            <p><a href="/audit/check">{request.T("check.another")}</a></p>
            """);
        return Task.FromResult(Layout.Page(request, request.T("nav.check"), body));
    }

    private static Task<IResult> StatusAsync(ConsoleRequest request)
    {
        var check = Find(request);
        return Task.FromResult(Results.Json(new ProgressStatus(check.Progress, $"{Percent(check.Progress)} · {request.T("check.at")} {check.Checked}", check.Report is not null)));
    }

    private static Html Result(ConsoleRequest request, ChainCheck check) => check.Report is { Ok: true } ok
        ? Html.Of($"<p class=\"verdict ok\" role=\"status\">✓ {ok.Message}</p>")
        : Html.Of($"""
            <div class="verdict bad" role="alert"><p>✗ {check.Report!.Message}</p>
            {Html.If(check.Report.BadSeq is not null, $"<p><a class=\"button\" href=\"/audit/records/{check.Report.BadSeq}\">{request.T("check.open-bad")} #{check.Report.BadSeq}</a></p>")}</div>
            """);

    private static Html Outcome(ConsoleRequest request, ChainCheck check) => check.Report switch
    {
        null => Html.Of($"{request.T("check.running")} {Percent(check.Progress)}"),
        { Ok: true } => Html.Of($"<span class=\"outcome ok\">✓</span>"),
        { BadSeq: { } bad } => Html.Of($"<span class=\"outcome error\">✗ #{bad}</span>"),
        _ => Html.Of($"<span class=\"outcome error\">✗</span>"),
    };

    private static ChainCheck Find(ConsoleRequest request) =>
        request.Services.ChainChecks.Find(request.Http.Request.RouteValues["id"]?.ToString() ?? string.Empty, request.Caller.UserId)
        ?? throw new ConsoleInputException(request.T("error.no-check"));

    private static ulong? Number(ConsoleRequest request, string text) =>
        text.Trim().Length == 0 ? null
        : ulong.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw new ConsoleInputException(request.T("error.seq"));

    private static string Percent(double share) => (share * 100).ToString("F0", CultureInfo.InvariantCulture) + " %";
}

/// <summary>What a page's progress poll answers: the share done, a line of text, and whether it finished (then the page reloads).</summary>
public sealed record ProgressStatus(double Progress, string Text, bool Done);
