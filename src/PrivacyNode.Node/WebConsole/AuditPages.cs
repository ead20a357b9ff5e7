using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Signatures;
using PrivacyNode.Node.Audit;

namespace PrivacyNode.Node.WebConsole;

/// <summary>The audit log for auditors: a filtered timeline paged newest first, each record in full, and the export file.</summary>
public static class AuditPages
{
    /// <summary>Records per page of the timeline.</summary>
    public const int PageSize = 50;

    private static readonly (string Name, string Key)[] TextFilters =
    [
        ("action", "field.action"), ("outcome", "field.outcome"), ("actor", "field.actor"), ("role", "field.role"), ("peer", "field.peer"),
        ("dataset", "field.dataset"), ("job", "field.job"), ("grant", "field.grant"), ("purpose", "field.purpose"),
    ];

    public static void Map(ConsoleRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Page("/audit", [Role.Auditor], ListAsync);
        routes.Page("/audit/records/{seq}", [Role.Auditor], RecordAsync);
        routes.Page("/audit/export", [Role.Auditor], ExportAsync);
    }

    /// <summary>The filter the query string describes; dates are whole days in the node's time zone.</summary>
    public static AuditFilter FilterOf(ConsoleRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new AuditFilter
        {
            Action = request.Query("action"),
            Outcome = request.Query("outcome"),
            Actor = request.Query("actor"),
            ActorRole = request.Query("role"),
            Peer = request.Query("peer"),
            Dataset = request.Query("dataset"),
            JobId = request.Query("job"),
            GrantId = request.Query("grant"),
            PurposeCode = request.Query("purpose"),
            FromMs = Day(request, "from", 0),
            ToMs = Day(request, "to", 1),
            Text = request.Query("q"),
        };
    }

    private static async Task<IResult> ListAsync(ConsoleRequest request)
    {
        var filter = FilterOf(request);
        var before = request.Query("before") is { } cursor
            ? ulong.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : throw new ConsoleInputException(request.T("error.cursor"))
            : (ulong?)null;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var page = await request.Services.AuditQuery.PageAsync(filter, before, PageSize, request.Aborted);
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        var flagged = request.Services.ChainChecks.LastFailed?.Report?.BadSeq;
        var inputs = Html.Join(TextFilters, f => Html.Of($"""
            <label>{request.T(f.Key)}<input name="{f.Name}" value="{request.Query(f.Name)}" list="list-{f.Name}"></label>
            """));
        var form = Html.Of($"""
            <form class="filters" method="get" action="/audit" role="search">
              <label class="wide">{request.T("audit.search")}<input name="q" type="search" value="{request.Query("q")}" maxlength="200"></label>
              {inputs}
              <label>{request.T("audit.from")}<input name="from" type="date" value="{request.Query("from")}"></label>
              <label>{request.T("audit.to")}<input name="to" type="date" value="{request.Query("to")}"></label>
              <datalist id="list-outcome"><option value="ok"><option value="deny"><option value="denied"><option value="error"></datalist>
              <datalist id="list-role"><option value="admin"><option value="analyst"><option value="auditor"><option value="peer"><option value="system"></datalist>
              <div class="actions"><button type="submit">{request.T("audit.apply")}</button> <a href="/audit">{request.T("audit.clear")}</a>
              <a class="button" href="/audit/export" download>{request.T("audit.export")}</a></div>
            </form>
            """);
        var rows = Html.Join(page.Records, r => Html.Of($"""
            <tr class="{(r.Seq == flagged ? "bad" : IsRefusal(r.Outcome) ? "refused" : "")}">
              <td class="num"><a href="/audit/records/{r.Seq}">{r.Seq}</a></td>
              <td class="time">{request.Time(r.TimeUnixMs)}</td>
              <td>{r.Actor} <span class="muted">{r.ActorRole}</span></td>
              <td><code>{r.Action}</code></td>
              <td><span class="outcome {(IsRefusal(r.Outcome) ? "refused" : "ok")}">{r.Outcome}</span>{Html.If(r.ReasonCode.Length > 0, $" <span class=\"muted\">{r.ReasonCode}</span>")}</td>
              <td>{r.Peer}</td><td>{r.Dataset}</td><td class="id">{r.JobId}</td><td>{r.PurposeCode}</td>
            </tr>
            """));
        var next = page.Before is { } older ? Html.Of($"<a class=\"button\" rel=\"next\" href=\"{WithQuery(request.Http.Request, "before", older.ToString(CultureInfo.InvariantCulture))}\">{request.T("audit.older")}</a>") : Html.Empty;
        var newest = before is not null ? Html.Of($"<a class=\"button\" href=\"{WithQuery(request.Http.Request, "before", null)}\">{request.T("audit.newest")}</a>") : Html.Empty;
        var body = Html.Of($"""
            {form}
            {Html.If(flagged is not null, $"<p class=\"refusal\" role=\"alert\">{request.T("audit.flagged")} <a href=\"/audit/records/{flagged}\">#{flagged}</a></p>")}
            <table class="records">
              <thead><tr><th>#</th><th>{request.T("field.time")}</th><th>{request.T("field.actor")}</th><th>{request.T("field.action")}</th><th>{request.T("field.outcome")}</th>
              <th>{request.T("field.peer")}</th><th>{request.T("field.dataset")}</th><th>{request.T("field.job")}</th><th>{request.T("field.purpose")}</th></tr></thead>
              <tbody>{rows}</tbody>
            </table>
            {Html.If(page.Records.Count == 0, $"<p class=\"empty\">{request.T("audit.none")}</p>")}
            <nav class="pager">{newest} {next} <span class="muted" data-elapsed-ms="{elapsed.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture)}">{request.T("audit.page-time")} {elapsed.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture)} ms</span></nav>
            """);
        return Layout.Page(request, request.T("nav.audit"), body);
    }

    private static async Task<IResult> RecordAsync(ConsoleRequest request)
    {
        var text = request.Http.Request.RouteValues["seq"]?.ToString();
        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            throw new ConsoleInputException(request.T("error.seq"));
        }

        var services = request.Services;
        var record = await services.AuditQuery.GetAsync(seq, request.Aborted);
        if (record is null)
        {
            return Layout.Page(request, $"{request.T("audit.record")} #{seq}", Html.Of($"<p class=\"empty\">{request.T("audit.no-record")}</p>"), 404);
        }

        var previous = seq > 1 ? await services.AuditQuery.GetAsync(seq - 1, request.Aborted) : null;
        var hashOk = AuditFormat.ComputeHash(record).AsSpan().SequenceEqual(record.Hash.Span);
        var chainOk = seq == 1 ? record.PrevHash.Span.SequenceEqual(AuditFormat.GenesisHash) : previous is not null && previous.Hash == record.PrevHash;
        var signatureOk = Ed25519KeyPair.Verify(services.Audit.PublicKey, record.Hash.Span, record.Signature.Span);
        var flagged = services.ChainChecks.LastFailed?.Report is { BadSeq: { } bad } report && bad == seq ? report.Message : null;
        var details = Html.Join(record.Details, d => Html.Of($"<tr><th>{d.Key}</th><td>{d.Value}</td></tr>"));
        var receipt = await ReceiptAsync(request, record);
        var fields = new (string Key, string Value)[]
        {
            ("field.time", request.Time(record.TimeUnixMs)), ("field.node", record.Node), ("field.actor", record.Actor), ("field.role", record.ActorRole),
            ("field.action", record.Action), ("field.outcome", record.Outcome), ("field.reason", record.ReasonCode), ("field.peer", record.Peer),
            ("field.dataset", record.Dataset), ("field.request", record.RequestId), ("field.grant", record.GrantId), ("field.job", record.JobId),
            ("field.purpose", record.PurposeCode),
        };
        var body = Html.Of($"""
            {Html.If(flagged is not null, $"<p class=\"refusal\" role=\"alert\"><strong>{request.T("audit.check-flagged")}</strong> {flagged}</p>")}
            <ul class="checks">
              {Status(request, hashOk, "audit.hash-ok", "audit.hash-bad")}
              {Status(request, chainOk, "audit.chain-ok", "audit.chain-bad")}
              {Status(request, signatureOk, "audit.signature-ok", "audit.signature-bad")}
            </ul>
            <table class="fields">
              {Html.Join(fields.Where(f => f.Value.Length > 0), f => Html.Of($"<tr><th>{request.T(f.Key)}</th><td>{f.Value}</td></tr>"))}
              {details}
              <tr><th>{request.T("field.hash")}</th><td class="hex">{Convert.ToHexStringLower(record.Hash.Span)}</td></tr>
              <tr><th>{request.T("field.prev-hash")}</th><td class="hex">{Convert.ToHexStringLower(record.PrevHash.Span)}</td></tr>
              <tr><th>{request.T("field.signature")}</th><td class="hex">{Convert.ToHexStringLower(record.Signature.Span)}</td></tr>
            </table>
            <h2>{request.T("audit.receipts")}</h2>
            {receipt}
            <nav class="pager">
              {Html.If(seq > 1, $"<a class=\"button\" href=\"/audit/records/{seq - 1}\">← #{seq - 1}</a>")}
              <a class="button" href="/audit/records/{seq + 1}">#{seq + 1} →</a>
              {Html.If(record.JobId.Length > 0, $"<a href=\"/audit?job={Uri.EscapeDataString(record.JobId)}\">{request.T("audit.same-job")}</a>")}
            </nav>
            """);
        return Layout.Page(request, $"{request.T("audit.record")} #{seq}", body);
    }

    private static async Task<Html> ReceiptAsync(ConsoleRequest request, AuditRecord record)
    {
        if (record.PeerReceipt is not { } receipt)
        {
            return Html.Of($"<p class=\"empty\">{request.T("audit.no-receipt")}</p>");
        }

        var key = (await request.Services.PeerKeys.ListAsync(request.Aborted)).FirstOrDefault(k => k.Peer == receipt.Node).Key;
        var problem = key is null ? null : AuditVerifier.ReceiptProblem(receipt, record, key);
        var status = key is null
            ? Html.Of($"<li class=\"unknown\">{request.T("audit.receipt-unknown")}</li>")
            : Status(request, problem is null, "audit.receipt-ok", "audit.receipt-bad");
        return Html.Of($"""
            <ul class="checks">{status}</ul>
            {Html.If(problem is not null, $"<p class=\"refusal\">{problem}</p>")}
            <table class="fields">
              <tr><th>{request.T("field.node")}</th><td>{receipt.Node}</td></tr>
              <tr><th>{request.T("audit.receipt-seq")}</th><td>{receipt.Seq}</td></tr>
              <tr><th>{request.T("audit.receipt-subject")}</th><td>{receipt.Subject}</td></tr>
              <tr><th>{request.T("field.hash")}</th><td class="hex">{Convert.ToHexStringLower(receipt.Hash.Span)}</td></tr>
              <tr><th>{request.T("field.signature")}</th><td class="hex">{Convert.ToHexStringLower(receipt.Signature.Span)}</td></tr>
            </table>
            """);
    }

    private static async Task<IResult> ExportAsync(ConsoleRequest request)
    {
        var response = request.Http.Response;
        response.ContentType = "application/x-ndjson; charset=utf-8";
        var name = $"{request.Services.Self.Name}-audit-{request.Services.Clock.GetUtcNow():yyyyMMdd-HHmmss}.jsonl";
        response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        await using var writer = new StreamWriter(response.Body, new UTF8Encoding(false), 64 * 1024);
        await foreach (var part in request.Services.AuditService.ExportAsync(request.Caller.Actor, 1, request.Aborted))
        {
            await writer.WriteAsync(AuditFormat.ExportLine(part));
            await writer.WriteAsync('\n');
        }

        return Results.Empty;
    }

    /// <summary>Whether an outcome says something was refused or failed (the others: ok, allow).</summary>
    private static bool IsRefusal(string outcome) => outcome is "deny" or "denied" or "error";

    private static Html Status(ConsoleRequest request, bool ok, string okKey, string badKey) =>
        ok ? Html.Of($"<li class=\"ok\">✓ {request.T(okKey)}</li>") : Html.Of($"<li class=\"bad\">✗ {request.T(badKey)}</li>");

    /// <summary>The start of the day named by <paramref name="name"/> (yyyy-MM-dd), plus <paramref name="addDays"/>, in the node's zone.</summary>
    private static long? Day(ConsoleRequest request, string name, int addDays)
    {
        if (request.Query(name) is not { } text)
        {
            return null;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            throw new ConsoleInputException(request.T("error.date"));
        }

        var local = day.AddDays(addDays).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, request.Services.TimeZone.GetUtcOffset(local)).ToUnixTimeMilliseconds();
    }

    /// <summary>This page's URL with <paramref name="name"/> set to <paramref name="value"/> (removed if null).</summary>
    private static string WithQuery(HttpRequest request, string name, string? value)
    {
        var query = request.Query.Where(q => q.Key != name && q.Value.ToString().Length > 0).Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value.ToString())).ToList();
        if (value is not null)
        {
            query.Add(Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value));
        }

        return request.Path + (query.Count > 0 ? "?" + string.Join("&", query) : string.Empty);
    }
}
