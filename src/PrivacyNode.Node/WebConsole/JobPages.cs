using System.Globalization;
using Microsoft.AspNetCore.Http;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Audit;

namespace PrivacyNode.Node.WebConsole;

/// <summary>
/// Jobs, as the job service shows them: analysts see their own, admins all; each with live progress, result metadata, retention
/// and its disposal record. Result rows are shown to the analyst who submitted the job only, as <c>GetJobResult</c> allows.
/// </summary>
public static class JobPages
{
    /// <summary>Result rows shown on a job's page; the command line reads them all.</summary>
    private const int PreviewRows = 20;

    public static void Map(ConsoleRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Page("/jobs", [Role.Admin, Role.Analyst], ListAsync);
        routes.Page("/jobs/{id}", [Role.Admin, Role.Analyst], ShowAsync);
        routes.Page("/jobs/{id}/status", [Role.Admin, Role.Analyst], StatusAsync);
    }

    private static async Task<IResult> ListAsync(ConsoleRequest request)
    {
        var jobs = await request.Services.Jobs.ListAsync(request.Is(Role.Admin) ? null : request.Caller.UserId, request.Aborted);
        var rows = Html.Join(jobs.OrderByDescending(j => j.SubmittedAt?.ToDateTimeOffset()), j => Html.Of($"""
            <tr><td class="id"><a href="/jobs/{j.Id}">{j.Id}</a></td><td>{j.Spec.Kind}</td><td>{j.Spec.Peer}</td><td>{j.Spec.Dataset}</td>
            <td>{State(request, j)}</td><td>{j.SubmittedBy}</td><td class="time">{request.Time(j.SubmittedAt)}</td></tr>
            """));
        var body = jobs.Count == 0
            ? Html.Of($"<p class=\"empty\">{request.T("jobs.none")}</p>")
            : Html.Of($"""
                <table><thead><tr><th>{request.T("field.job")}</th><th>{request.T("jobs.kind")}</th><th>{request.T("field.peer")}</th><th>{request.T("field.dataset")}</th>
                <th>{request.T("jobs.state")}</th><th>{request.T("jobs.submitted-by")}</th><th>{request.T("jobs.submitted")}</th></tr></thead><tbody>{rows}</tbody></table>
                """);
        return Layout.Page(request, request.T("nav.jobs"), body);
    }

    private static async Task<IResult> ShowAsync(ConsoleRequest request)
    {
        var job = await VisibleAsync(request);
        var running = job.State is JobState.Pending or JobState.Running;
        var fields = new (string Key, string Value)[]
        {
            ("jobs.kind", job.Spec.Kind), ("field.peer", job.Spec.Peer), ("field.grant", job.Spec.GrantId), ("field.dataset", job.Spec.Dataset),
            ("jobs.columns", string.Join(", ", job.Spec.Columns)), ("jobs.input", job.Spec.InputDataset.Length > 0 ? $"{job.Spec.InputDataset}.{job.Spec.InputColumn}" : string.Empty),
            ("jobs.output", job.Spec.OutputMode), ("field.purpose", job.Spec.PurposeCode), ("jobs.suite", job.Spec.PsiSuite),
            ("jobs.submitted-by", job.SubmittedBy), ("jobs.submitted", request.Time(job.SubmittedAt)),
            ("jobs.started", job.StartedAt is null ? string.Empty : request.Time(job.StartedAt)),
            ("jobs.finished", job.FinishedAt is null ? string.Empty : request.Time(job.FinishedAt)),
            ("jobs.failure", job.FailureMessage.Length > 0 ? $"{job.FailureCode}: {job.FailureMessage}" : string.Empty),
            ("jobs.expires", job.ResultExpiresAt is null ? string.Empty : request.Time(job.ResultExpiresAt)),
        };
        var result = job.State == JobState.Succeeded ? await ResultAsync(request, job) : Html.Empty;
        var body = Html.Of($"""
            <div class="progress" data-poll="/jobs/{job.Id}/status" data-done="{(running ? "false" : "true")}">
              <progress max="1" value="{job.Progress.ToString("F4", CultureInfo.InvariantCulture)}"></progress>
              <span class="progress-text">{StatusText(request, job)}</span>
            </div>
            <table class="fields">{Html.Join(fields.Where(f => f.Value.Length > 0), f => Html.Of($"<tr><th>{request.T(f.Key)}</th><td>{f.Value}</td></tr>"))}</table>
            {result}
            """);
        return Layout.Page(request, $"{request.T("jobs.job")} {job.Id}", body);
    }

    private static async Task<IResult> StatusAsync(ConsoleRequest request)
    {
        var job = await VisibleAsync(request);
        return Results.Json(new ProgressStatus(job.Progress, StatusText(request, job), job.State is not (JobState.Pending or JobState.Running)));
    }

    private static async Task<Html> ResultAsync(ConsoleRequest request, Job job)
    {
        var services = request.Services;
        if (job.ResultDisposed)
        {
            var disposal = (await services.AuditQuery.PageAsync(new AuditFilter { JobId = job.Id, Action = "result.dispose" }, null, 1, request.Aborted)).Records is [var found, ..] ? found : null;
            return Html.Of($"""
                <h2>{request.T("jobs.result")}</h2>
                <p>{request.T("jobs.disposed")}{(disposal is null ? Html.Empty : Html.Of($" {request.Time(disposal.TimeUnixMs)} · {disposal.Actor} · {disposal.ReasonCode} · sha256 {disposal.Details.FirstOrDefault(d => d.Key == "result_sha256")?.Value}"))}</p>
                {Html.If(disposal is not null, $"<p class=\"muted\">{request.T("jobs.disposal-record")} #{disposal?.Seq}</p>")}
                """);
        }

        var own = request.Is(Role.Analyst);
        var stored = await services.Jobs.GetResultAsync(job.Id, 0, own ? PreviewRows : 0, request.Aborted);
        if (stored is not { } result)
        {
            return Html.Empty;
        }

        var metrics = own ? Html.Join(result.Page.Metrics, m => Html.Of($"<tr><th>{m.Name}</th><td class=\"num\">{m.Value}</td></tr>")) : Html.Empty;
        var head = Html.Join(result.Page.Columns, c => Html.Of($"<th>{c}</th>"));
        var rows = Html.Join(result.Page.Rows, r => Html.Of($"<tr>{Html.Join(r.Values, v => Html.Of($"<td>{v}</td>"))}</tr>"));
        return Html.Of($"""
            <h2>{request.T("jobs.result")}</h2>
            <table class="fields"><tr><th>{request.T("jobs.rows")}</th><td class="num">{result.TotalRows}</td></tr>{metrics}</table>
            {Html.If(own && result.Page.Rows.Count > 0, $"<table class=\"result\"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")}
            {Html.If(own && result.TotalRows > result.Page.Rows.Count, $"<p class=\"muted\">{request.T("jobs.more-rows")} <code>privacynode job result {job.Id}</code></p>")}
            """);
    }

    private static async Task<Job> VisibleAsync(ConsoleRequest request)
    {
        var id = request.Http.Request.RouteValues["id"]?.ToString() ?? string.Empty;
        var job = id.Length <= 64 ? await request.Services.Jobs.GetAsync(id, request.Aborted) : null;
        return job is not null && (request.Is(Role.Admin) || job.SubmittedById == request.Caller.UserId)
            ? job
            : throw new Grpc.Core.RpcException(new Grpc.Core.Status(Grpc.Core.StatusCode.NotFound, request.T("jobs.not-found")));
    }

    private static Html State(ConsoleRequest request, Job job) =>
        Html.Of($"<span class=\"state {job.State.ToString().ToLowerInvariant()}\">{request.T("state." + job.State.ToString().ToLowerInvariant())}</span>");

    private static string StatusText(ConsoleRequest request, Job job) =>
        $"{request.T("state." + job.State.ToString().ToLowerInvariant())} · {(job.Progress * 100).ToString("F0", CultureInfo.InvariantCulture)} %{(job.Stage.Length > 0 ? " · " + job.Stage : string.Empty)}";
}
