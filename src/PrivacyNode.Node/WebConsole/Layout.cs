using Microsoft.AspNetCore.Http;
using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Node.WebConsole;

/// <summary>The frame of every page: the node's name, the views the user's role may open, language, user and sign-out.</summary>
public static class Layout
{
    private static readonly (string Path, string Key, Role[] Roles)[] Views =
    [
        ("/overview", "nav.overview", [Role.Admin, Role.Auditor]),
        ("/audit", "nav.audit", [Role.Auditor]),
        ("/audit/check", "nav.check", [Role.Auditor]),
        ("/jobs", "nav.jobs", [Role.Admin, Role.Analyst]),
        ("/access", "nav.access", [Role.Admin]),
        ("/peers", "nav.peers", [Role.Admin]),
        ("/datasets", "nav.datasets", [Role.Admin]),
    ];

    /// <summary>Where a user of <paramref name="role"/> lands after signing in.</summary>
    public static string HomeOf(Role role) => role == Role.Analyst ? "/jobs" : role == Role.Auditor ? "/audit" : "/overview";

    /// <summary>A whole page for a signed-in user.</summary>
    public static IResult Page(ConsoleRequest request, string title, Html body, int status = 200)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.Http.Request.Path.Value ?? "/";
        var current = Views.Where(v => path == v.Path || path.StartsWith(v.Path + "/", StringComparison.Ordinal)).MaxBy(v => v.Path.Length).Path;
        var nav = Html.Join(Views.Where(v => Array.IndexOf(v.Roles, request.Caller.Role) >= 0), v =>
            Html.Of($"<a href=\"{v.Path}\"{Html.If(v.Path == current, $" aria-current=\"page\"")}>{request.T(v.Key)}</a>"));
        var header = Html.Of($"""
            <header>
              <a class="brand" href="/">PrivacyNode · {request.Services.Self.Name}</a>
              <nav>{nav}</nav>
              <div class="who">
                {Languages(request.Language, request.Http)}
                <span class="user">{request.Caller.Name} ({request.T("role." + Users.Roles.ToText(request.Caller.Role))})</span>
                <form method="post" action="/signout"><input type="hidden" name="_form" value="{request.FormToken}"><button type="submit">{request.T("signout")}</button></form>
              </div>
            </header>
            """);
        return Document(request.Language, title, Html.Of($"{header}<main><h1>{title}</h1>{body}</main>"), status);
    }

    /// <summary>A whole page outside a session (sign-in).</summary>
    public static IResult Document(string language, string title, Html body, int status = 200) =>
        Results.Content(Html.Of($"""
            <!DOCTYPE html>
            <html lang="{language}">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} · PrivacyNode</title>
            <link rel="stylesheet" href="/assets/console.css">
            <script src="/assets/console.js" defer></script>
            </head>
            <body>{body}</body>
            </html>
            """).Value, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);

    /// <summary>Links that switch the language and come back to this page.</summary>
    public static Html Languages(string current, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var back = Uri.EscapeDataString(http.Request.Path + http.Request.QueryString);
        return Html.Of($"""<span class="languages">{Link("zh-CN", "中文")} {Link("en", "English")}</span>""");

        Html Link(string language, string label) => language == current
            ? Html.Of($"<strong lang=\"{language}\">{label}</strong>")
            : Html.Of($"<a lang=\"{language}\" href=\"/language?to={language}&amp;next={back}\">{label}</a>");
    }

    /// <summary>A hidden field carrying the session's form token; every form must include it.</summary>
    public static Html FormToken(ConsoleRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Html.Of($"<input type=\"hidden\" name=\"{ConsoleRoutes.FormField}\" value=\"{request.FormToken}\">");
    }
}
