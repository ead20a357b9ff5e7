using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivacyNode.Node.Endpoints;

namespace PrivacyNode.Node.WebConsole;

/// <summary>
/// The web console's own loopback listener (HTTP/1.1; the local gRPC endpoint speaks HTTP/2 only). Every response forbids framing,
/// sniffing, caching and any script, style or font not served by the node itself; requests naming another host (DNS rebinding)
/// are refused.
/// </summary>
public sealed class ConsoleEndpoint : IAsyncDisposable
{
    /// <summary>The largest request accepted: a peer's audit export uploaded for matching.</summary>
    public const long MaxRequestBytes = 256L * 1024 * 1024;

    private const string Policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private ListenOptions? _listener;

    private ConsoleEndpoint(WebApplication app)
    {
        App = app;
    }

    public WebApplication App { get; }

    /// <summary>The address the started console listens on (the real port when bound to port 0).</summary>
    public IPEndPoint EndPoint => (IPEndPoint)_listener!.EndPoint;

    /// <summary>Builds (does not start) the console on <paramref name="bind"/>.</summary>
    public static ConsoleEndpoint Build(IPEndPoint bind, ConsoleServices services, string contentRoot, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(bind);
        ArgumentNullException.ThrowIfNull(services);
        var builder = EndpointApp.CreateBuilder(contentRoot, loggerFactory);
        builder.Services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = MaxRequestBytes);
        ListenOptions? listener = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBytes;
            kestrel.Listen(bind, listen =>
            {
                listener = listen;
                listen.Protocols = HttpProtocols.Http1;
            });
        });

        var app = builder.Build();
        app.Use(async (http, next) =>
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = Policy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            // Not no-referrer: under it browsers post forms with "Origin: null", and the console checks the origin of every form.
            headers["Referrer-Policy"] = "same-origin";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            headers.CacheControl = "no-store";
            if (!IsLoopbackHost(http.Request.Host.Host))
            {
                http.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
                await http.Response.WriteAsync("The console answers only at a loopback address (127.0.0.1, [::1] or localhost).");
                return;
            }

            await next(http);
        });

        var routes = new ConsoleRoutes(app, services);
        ConsoleAssets.Map(app);
        SignInPages.Map(app, routes, services);
        OverviewPage.Map(routes);
        AuditPages.Map(routes);
        ChainCheckPages.Map(routes);
        JobPages.Map(routes);
        AccessPages.Map(routes);
        CatalogPages.Map(routes);
        return new ConsoleEndpoint(app) { _listener = listener };
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();

    private static bool IsLoopbackHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
}
