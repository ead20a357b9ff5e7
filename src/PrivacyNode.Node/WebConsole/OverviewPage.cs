using Microsoft.AspNetCore.Http;
using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Node.WebConsole;

/// <summary>
/// The overview for admins and auditors, from the audit log: jobs per day per peer and per dataset (started here or served to a
/// peer), refusals per day, and requests past their response deadline.
/// </summary>
public static class OverviewPage
{
    /// <summary>Days the charts cover, today included.</summary>
    public const int Days = 14;

    public static void Map(ConsoleRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Page("/overview", [Role.Admin, Role.Auditor], ShowAsync);
    }

    private static async Task<IResult> ShowAsync(ConsoleRequest request)
    {
        var services = request.Services;
        var zone = services.TimeZone;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(services.Clock.GetUtcNow(), zone).DateTime);
        var days = Enumerable.Range(0, Days).Select(i => today.AddDays(i - Days + 1)).ToList();
        var start = days[0].ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        var fromMs = new DateTimeOffset(start, zone.GetUtcOffset(start)).ToUnixTimeMilliseconds();
        var activity = await services.AuditQuery.ActivityAsync(fromMs, request.Aborted);
        var dated = activity
            .Select(a => (Activity: a, Day: days.IndexOf(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(a.TimeMs), zone).DateTime))))
            .Where(a => a.Day >= 0).ToList();
        var jobs = dated.Where(a => !a.Activity.Refused).ToList();
        var refusals = dated.Where(a => a.Activity.Refused).ToList();
        var overdue = (await services.AccessStore.ListRequestsAsync(Direction.Incoming, null, request.Aborted)).Where(r => r.Overdue).ToList();
        string Named(string name) => name.Length > 0 ? name : request.T("overview.none-named");
        var overdueList = overdue.Count == 0
            ? Html.Of($"<p class=\"empty\">{request.T("overview.nothing-overdue")}</p>")
            : Html.Of($"""
                <ul class="overdue-list">{Html.Join(overdue, r => Html.Of($"<li class=\"overdue\">{r.Peer} · <span class=\"id\">{r.Id}</span> · {r.Terms.Dataset} · {request.T("access.respond-by")} {request.Time(r.RespondBy)}{Html.If(request.Is(Role.Admin), $" · <a href=\"/access#request-{r.Id}\">{request.T("overview.answer")}</a>")}</li>"))}</ul>
                """);
        var body = Html.Of($"""
            <section class="tiles">
              <div class="tile"><span class="big">{jobs.Count}</span> {request.T("overview.jobs")}</div>
              <div class="tile"><span class="big">{refusals.Count}</span> {request.T("overview.refusals")}</div>
              <div class="tile {(overdue.Count > 0 ? "overdue" : "")}"><span class="big">{overdue.Count}</span> {request.T("overview.overdue")}</div>
            </section>
            <p class="muted">{request.T("overview.period")} {days[0].ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)} – {today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)} ({services.TimeZone.Id})</p>
            <h2>{request.T("overview.overdue")}</h2>
            {overdueList}
            <div class="charts">
              {SvgChart.Stacked(request.T("overview.jobs-by-peer"), days, jobs.Select(a => (Named(a.Activity.Peer), a.Day, 1)), request.T("overview.other"), request.T("overview.no-data"))}
              {SvgChart.Stacked(request.T("overview.jobs-by-dataset"), days, jobs.Select(a => (Named(a.Activity.Dataset), a.Day, 1)), request.T("overview.other"), request.T("overview.no-data"))}
              {SvgChart.Stacked(request.T("overview.refusals-by-day"), days, refusals.Select(a => (a.Activity.Action, a.Day, 1)), request.T("overview.other"), request.T("overview.no-data"))}
            </div>
            """);
        return Layout.Page(request, request.T("nav.overview"), body);
    }
}
