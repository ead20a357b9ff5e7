using System.Globalization;
using Microsoft.AspNetCore.Http;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Access;

namespace PrivacyNode.Node.WebConsole;

/// <summary>
/// Requests and grants for admins: requests received from peers with their deadline in working days (overdue first), each pending
/// one approved or refused here with a reason; grants given and held, with uses left, expiry and revocation. Decisions go through
/// the access service itself, so they are checked and audited exactly as from the command line.
/// </summary>
public static class AccessPages
{
    public static void Map(ConsoleRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Page("/access", [Role.Admin], ShowAsync);
        routes.Form("/access/approve", [Role.Admin], ApproveAsync);
        routes.Form("/access/refuse", [Role.Admin], RefuseAsync);
        routes.Form("/access/revoke", [Role.Admin], RevokeAsync);
    }

    private static async Task<IResult> ShowAsync(ConsoleRequest request)
    {
        var store = request.Services.AccessStore;
        var now = request.Services.Clock.GetUtcNow();
        var incoming = (await store.ListRequestsAsync(Direction.Incoming, null, request.Aborted))
            .OrderByDescending(r => r.Overdue).ThenBy(r => r.State != RequestState.Pending).ThenBy(r => r.RespondBy?.ToDateTimeOffset()).ToList();
        var grants = await store.ListGrantsAsync(null, request.Aborted);
        var notice = request.Query("done") is { } done ? Html.Of($"<p class=\"notice\" role=\"status\">{request.T("access.done." + (done is "approved" or "refused" or "revoked" ? done : "approved"))}</p>") : Html.Empty;
        var requests = Html.Join(incoming, r => Html.Of($"""
            <article class="request {(r.Overdue ? "overdue" : "")}" id="request-{r.Id}">
              <header><strong>{r.Peer}</strong> · <span class="id">{r.Id}</span> · {StateOf(request, r)}
                {Html.If(r.State == RequestState.Pending, $"<span class=\"deadline\">{Deadline(request, now, r)}</span>")}</header>
              <table class="fields">
                <tr><th>{request.T("field.dataset")}</th><td>{r.Terms.Dataset} ({string.Join(", ", r.Terms.Columns)})</td></tr>
                <tr><th>{request.T("access.kinds")}</th><td>{string.Join(", ", r.Terms.JobKinds)} · {string.Join(", ", r.Terms.OutputModes)}</td></tr>
                <tr><th>{request.T("field.purpose")}</th><td>{r.Terms.PurposeCode} — {r.Terms.Purpose}</td></tr>
                <tr><th>{request.T("access.period")}</th><td>{request.Time(r.Terms.ValidFrom)} – {request.Time(r.Terms.ValidTo)}</td></tr>
                <tr><th>{request.T("access.responsible")}</th><td>{r.RequesterResponsible}</td></tr>
                <tr><th>{request.T("access.filed")}</th><td>{request.Time(r.FiledAt)}</td></tr>
                {Html.If(r.State != RequestState.Pending, $"<tr><th>{request.T("access.decided")}</th><td>{request.Time(r.DecidedAt)} · {r.DecidedBy} {r.RefusalReason} {r.GrantId}</td></tr>")}
              </table>
              {(r.State == RequestState.Pending ? Decide(request, r) : Html.Empty)}
            </article>
            """));
        var grantRows = Html.Join(grants, g => Html.Of($"""
            <tr class="{(g.State == GrantState.Revoked ? "revoked" : "")}"><td class="id">{g.Id}</td><td>{(g.Provider == request.Services.Self.Name ? request.T("access.given") : request.T("access.held"))}</td>
            <td>{g.Requester} → {g.Provider}</td><td>{g.Terms.Dataset}</td><td>{g.Terms.PurposeCode}</td>
            <td class="num">{Math.Max(0, g.MaxUses - g.Uses)} / {g.MaxUses}</td><td class="time">{request.Time(g.Terms.ValidTo)}</td>
            <td>{(g.State == GrantState.Revoked ? Html.Of($"{request.T("access.revoked")} {request.Time(g.RevokedAt)}: {g.RevokeReason}") : Revoke(request, g))}</td></tr>
            """));
        var body = Html.Of($"""
            {notice}
            <h2>{request.T("access.incoming")}</h2>
            {(incoming.Count == 0 ? Html.Of($"<p class=\"empty\">{request.T("access.no-requests")}</p>") : requests)}
            <h2>{request.T("access.grants")}</h2>
            <table><thead><tr><th>{request.T("field.grant")}</th><th></th><th>{request.T("access.parties")}</th><th>{request.T("field.dataset")}</th><th>{request.T("field.purpose")}</th>
            <th>{request.T("access.uses-left")}</th><th>{request.T("access.expires")}</th><th></th></tr></thead><tbody>{grantRows}</tbody></table>
            """);
        return Layout.Page(request, request.T("nav.access"), body);
    }

    private static Html Decide(ConsoleRequest request, AccessRequest r) => Html.Of($"""
        <div class="decide">
          <form method="post" action="/access/approve">
            {Layout.FormToken(request)}<input type="hidden" name="peer" value="{r.Peer}"><input type="hidden" name="request" value="{r.Id}">
            <label>{request.T("access.max-uses")}<input name="max_uses" type="number" min="1" value="1" required></label>
            <label>{request.T("access.min-set")}<input name="min_requester_set_size" type="number" min="0" value="0"></label>
            <label>{request.T("access.min-result")}<input name="min_result_size" type="number" min="0" value="0"></label>
            <label>{request.T("access.provider-responsible")}<input name="responsible" required maxlength="200" value="{request.Caller.Name}"></label>
            <label class="wide">{request.T("access.reason")}<input name="reason" required maxlength="2000"></label>
            <button type="submit">{request.T("access.approve")}</button>
          </form>
          <form method="post" action="/access/refuse">
            {Layout.FormToken(request)}<input type="hidden" name="peer" value="{r.Peer}"><input type="hidden" name="request" value="{r.Id}">
            <label class="wide">{request.T("access.reason")}<input name="reason" required maxlength="2000"></label>
            <button type="submit" class="danger">{request.T("access.refuse")}</button>
          </form>
        </div>
        """);

    private static Html Revoke(ConsoleRequest request, Grant g) => g.Provider != request.Services.Self.Name ? Html.Empty : Html.Of($"""
        <form class="inline" method="post" action="/access/revoke">{Layout.FormToken(request)}<input type="hidden" name="grant" value="{g.Id}">
        <input name="reason" required maxlength="2000" placeholder="{request.T("access.reason")}" aria-label="{request.T("access.reason")}"><button type="submit" class="danger">{request.T("access.revoke")}</button></form>
        """);

    private static async Task<IResult> ApproveAsync(ConsoleRequest request)
    {
        var form = await request.Http.Request.ReadFormAsync(request.Aborted);
        await request.Services.AccessService.ApproveAsync(new ApproveRequestRequest
        {
            Peer = form["peer"].ToString(),
            RequestId = form["request"].ToString(),
            MaxUses = Number(request, form["max_uses"].ToString()),
            MinRequesterSetSize = Number(request, form["min_requester_set_size"].ToString()),
            MinResultSize = Number(request, form["min_result_size"].ToString()),
            ProviderResponsible = form["responsible"].ToString().Trim(),
            Reason = Reason(request, form),
        }, request.Caller.Actor, request.Aborted);
        return Results.Redirect("/access?done=approved");
    }

    private static async Task<IResult> RefuseAsync(ConsoleRequest request)
    {
        var form = await request.Http.Request.ReadFormAsync(request.Aborted);
        await request.Services.AccessService.RefuseAsync(
            new RefuseRequestRequest { Peer = form["peer"].ToString(), RequestId = form["request"].ToString(), Reason = Reason(request, form) }, request.Caller.Actor, request.Aborted);
        return Results.Redirect("/access?done=refused");
    }

    private static async Task<IResult> RevokeAsync(ConsoleRequest request)
    {
        var form = await request.Http.Request.ReadFormAsync(request.Aborted);
        await request.Services.AccessService.RevokeAsync(new RevokeGrantRequest { GrantId = form["grant"].ToString(), Reason = Reason(request, form) }, request.Caller.Actor, request.Aborted);
        return Results.Redirect("/access?done=revoked");
    }

    private static string Reason(ConsoleRequest request, IFormCollection form) =>
        form["reason"].ToString().Trim() is { Length: > 0 } reason ? reason : throw new ConsoleInputException(request.T("error.reason"));

    private static long Number(ConsoleRequest request, string text) =>
        text.Trim().Length == 0 ? 0
        : long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw new ConsoleInputException(request.T("error.number"));

    private static Html StateOf(ConsoleRequest request, AccessRequest r) =>
        Html.Of($"<span class=\"state {r.State.ToString().ToLowerInvariant()}\">{request.T("request." + r.State.ToString().ToLowerInvariant())}</span>");

    private static Html Deadline(ConsoleRequest request, DateTimeOffset now, AccessRequest r)
    {
        var left = WorkingDays.Left(now, r.RespondBy.ToDateTimeOffset());
        return r.Overdue
            ? Html.Of($"<strong class=\"overdue-badge\">{request.T("access.overdue")} · {request.T("access.respond-by")} {request.Time(r.RespondBy)} ({-left} {request.T("access.working-days-late")})</strong>")
            : Html.Of($"{request.T("access.respond-by")} {request.Time(r.RespondBy)} ({left} {request.T("access.working-days-left")})");
    }
}
