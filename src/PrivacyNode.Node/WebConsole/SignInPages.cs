using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Users;

namespace PrivacyNode.Node.WebConsole;

/// <summary>
/// Signing in with a user's bearer token, signing out, and picking a language. The sign-in form carries a random value that must
/// match a cookie set with it (so another site cannot sign a browser in to an account of its choosing); a refused token is audited.
/// </summary>
public static class SignInPages
{
    private const string SignInCookie = "pn_signin";

    public static void Map(WebApplication app, ConsoleRoutes routes, ConsoleServices services)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(routes);
        app.MapGet("/", (HttpContext http) =>
            Results.Redirect(services.Sessions.Find(http.Request.Cookies[ConsoleRoutes.SessionCookie]) is null ? "/signin" : "/home"));
        routes.Page("/home", [Role.Admin, Role.Analyst, Role.Auditor], request => Task.FromResult(Results.Redirect(Layout.HomeOf(request.Caller.Role))));
        app.MapGet("/signin", (HttpContext http) => Form(http, services, null, 200));
        app.MapPost("/signin", (Func<HttpContext, Task<IResult>>)(http => SignInAsync(http, services)));
        routes.Form("/signout", [Role.Admin, Role.Analyst, Role.Auditor], async request =>
        {
            request.Services.Sessions.End(request.Http.Request.Cookies[ConsoleRoutes.SessionCookie]);
            request.Http.Response.Cookies.Delete(ConsoleRoutes.SessionCookie);
            await request.Services.Audit.AppendAsync(request.Caller.Actor.Does("console.sign-out"), CancellationToken.None);
            return Results.Redirect("/signin");
        });
        app.MapGet("/language", (HttpContext http) =>
        {
            var to = http.Request.Query["to"].ToString();
            if (to is "en" or "zh-CN")
            {
                http.Response.Cookies.Append(ConsoleRoutes.LanguageCookie, to, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", MaxAge = TimeSpan.FromDays(365) });
            }

            return Results.Redirect(LocalPath(http.Request.Query["next"].ToString()) ?? "/");
        });
    }

    /// <summary><paramref name="next"/> when it is a path on this console, else null (never another site).</summary>
    public static string? LocalPath(string? next) =>
        next is { Length: > 0 and < 2048 } && next[0] == '/' && !next.StartsWith("//", StringComparison.Ordinal) && !next.Contains('\\', StringComparison.Ordinal) ? next : null;

    private static async Task<IResult> SignInAsync(HttpContext http, ConsoleServices services)
    {
        var language = ConsoleRoutes.LanguageOf(http, services);
        IFormCollection form;
        try
        {
            form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : FormCollection.Empty;
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
        {
            form = FormCollection.Empty;
        }

        if (!ConsoleRoutes.SameOrigin(http.Request) || !ConsoleSessions.SameSecret(form[ConsoleRoutes.FormField].ToString(), http.Request.Cookies[SignInCookie]))
        {
            await services.Access.RecordRefusalAsync(Actor.Anonymous, "console POST /signin", StatusCode.PermissionDenied, "The sign-in form did not come from this console.");
            return Form(http, services, ConsoleText.Get("error.form-token", language), 403);
        }

        var token = form["token"].ToString().Trim();
        var user = BearerToken.IsWellFormed(token) ? await services.Users.FindByTokenHashAsync(BearerToken.Hash(token), http.RequestAborted) : null;
        if (user is null)
        {
            await services.Access.RecordRefusalAsync(Actor.Anonymous, "console POST /signin", StatusCode.Unauthenticated, "Unknown, revoked or malformed token.");
            return Form(http, services, ConsoleText.Get("signin.refused", language), 401);
        }

        var session = services.Sessions.Start(BearerToken.Hash(token));
        http.Response.Cookies.Append(ConsoleRoutes.SessionCookie, session, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", IsEssential = true });
        http.Response.Cookies.Delete(SignInCookie);
        await services.Audit.AppendAsync(new LocalCaller(user.Name, user.Role, user.Id).Actor.Does("console.sign-in"), CancellationToken.None);
        return Results.Redirect(LocalPath(form["next"].ToString()) ?? Layout.HomeOf(user.Role));
    }

    private static IResult Form(HttpContext http, ConsoleServices services, string? error, int status)
    {
        var language = ConsoleRoutes.LanguageOf(http, services);
        string T(string key) => ConsoleText.Get(key, language);
        var value = ConsoleSessions.NewSecret();
        http.Response.Cookies.Append(SignInCookie, value, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/signin" });
        var next = LocalPath(http.Request.Query["next"].ToString()) ?? string.Empty;
        var body = Html.Of($"""
            <main class="signin">
              <div class="languages-top">{Layout.Languages(language, http)}</div>
              <h1>PrivacyNode · {services.Self.Name}</h1>
              <p>{T("signin.intro")}</p>
              {Html.If(error is not null, $"<p class=\"refusal\" role=\"alert\">{error}</p>")}
              <form method="post" action="/signin">
                <input type="hidden" name="{ConsoleRoutes.FormField}" value="{value}">
                <input type="hidden" name="next" value="{next}">
                <label for="token">{T("signin.token")}</label>
                <input id="token" name="token" type="password" autocomplete="off" required maxlength="64" placeholder="pn_…">
                <button type="submit">{T("signin.submit")}</button>
              </form>
              <p class="hint">{T("signin.hint")}</p>
            </main>
            """);
        return Layout.Document(language, T("signin.title"), body, status);
    }
}
