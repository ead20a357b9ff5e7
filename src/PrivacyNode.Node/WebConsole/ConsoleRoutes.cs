using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Storage;
using PrivacyNode.Node.Users;

namespace PrivacyNode.Node.WebConsole;

/// <summary>
/// Maps the console's pages and forms behind one guard: a live session whose token still names a user, that user's role among
/// the page's, and for every form the session's form token and a same-origin request. A refusal of a signed-in user, of a form
/// or of a handler is audited as a refused call (<c>call.refused</c>, method <c>console GET /path</c>); an anonymous page view is
/// sent to sign in instead.
/// </summary>
public sealed class ConsoleRoutes(IEndpointRouteBuilder routes, ConsoleServices services)
{
    public const string SessionCookie = "pn_session";
    public const string LanguageCookie = "pn_lang";
    public const string FormField = "_form";

    /// <summary>Serves <paramref name="pattern"/> by GET to users in <paramref name="roles"/>.</summary>
    public void Page(string pattern, Role[] roles, Func<ConsoleRequest, Task<IResult>> handler) =>
        routes.MapGet(pattern, (Func<HttpContext, Task<IResult>>)(http => RunAsync(http, roles, isForm: false, handler)));

    /// <summary>Accepts a form posted to <paramref name="pattern"/> by users in <paramref name="roles"/>.</summary>
    public void Form(string pattern, Role[] roles, Func<ConsoleRequest, Task<IResult>> handler) =>
        routes.MapPost(pattern, (Func<HttpContext, Task<IResult>>)(http => RunAsync(http, roles, isForm: true, handler)));

    /// <summary>The language of this browser: its choice, else the node's default.</summary>
    public static string LanguageOf(HttpContext http, ConsoleServices services)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(services);
        return http.Request.Cookies[LanguageCookie] is "en" or "zh-CN" ? http.Request.Cookies[LanguageCookie]! : services.DefaultLanguage;
    }

    /// <summary>
    /// Whether a posted form comes from the console itself: browsers send <c>Origin</c> with every POST, and
    /// <c>Sec-Fetch-Site</c> where they support it; either naming another site refuses the form.
    /// </summary>
    public static bool SameOrigin(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            return false;
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0 || string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
    }

    private async Task<IResult> RunAsync(HttpContext http, Role[] roles, bool isForm, Func<ConsoleRequest, Task<IResult>> handler)
    {
        var what = $"console {http.Request.Method} {http.Request.Path}";
        var language = LanguageOf(http, services);
        var cookie = http.Request.Cookies[SessionCookie];
        var session = services.Sessions.Find(cookie);
        var user = session is null ? null : await services.Users.FindByTokenHashAsync(session.TokenHash, http.RequestAborted);
        if (session is null || user is null)
        {
            services.Sessions.End(cookie);
            if (isForm)
            {
                await services.Access.RecordRefusalAsync(Actor.Anonymous, what, StatusCode.Unauthenticated, "No live console session: signed out, expired, or the user was removed.");
            }

            var next = isForm ? "/" : http.Request.Path + http.Request.QueryString;
            return Results.Redirect("/signin?next=" + Uri.EscapeDataString(next));
        }

        var request = new ConsoleRequest(http, services, new LocalCaller(user.Name, user.Role, user.Id), session, language);
        if (isForm && !await FormIsOwnAsync(http, session))
        {
            return await RefuseAsync(request, what, StatusCode.PermissionDenied, request.T("error.form-token"), 403);
        }

        if (Array.IndexOf(roles, user.Role) < 0)
        {
            var needs = string.Join(" / ", roles.Select(Roles.ToText));
            return await RefuseAsync(request, what, StatusCode.PermissionDenied, $"{request.T("error.role")} {needs}.", 403);
        }

        try
        {
            return await handler(request);
        }
        catch (RpcException ex)
        {
            return await RefuseAsync(request, what, ex.StatusCode, ex.Status.Detail, ex.StatusCode == StatusCode.NotFound ? 404 : 400);
        }
        catch (ConsoleInputException ex)
        {
            return await RefuseAsync(request, what, StatusCode.InvalidArgument, ex.Message, 400);
        }
        catch (Exception ex) when (StorageFailure.ToStatus(ex) is { } failure)
        {
            return await RefuseAsync(request, what, failure.StatusCode, failure.Status.Detail, StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static async Task<bool> FormIsOwnAsync(HttpContext http, ConsoleSessions.Session session)
    {
        if (!SameOrigin(http.Request) || !http.Request.HasFormContentType)
        {
            return false;
        }

        try
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            return ConsoleSessions.SameSecret(form[FormField].ToString(), session.FormToken);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
        {
            return false;
        }
    }

    private static async Task<IResult> RefuseAsync(ConsoleRequest request, string what, StatusCode status, string message, int httpStatus)
    {
        await request.Services.Access.RecordRefusalAsync(request.Caller.Actor, what, status, message);
        return Layout.Page(request, request.T("error.title"), Html.Of($"<p class=\"refusal\" role=\"alert\">{message}</p>"), httpStatus);
    }
}

/// <summary>A page or form given input it cannot use; the message says which and why, and names no stored value.</summary>
public sealed class ConsoleInputException(string message) : Exception(message);
