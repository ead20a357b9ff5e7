using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace PrivacyNode.Node.Endpoints;

/// <summary>
/// The operator's Prometheus endpoint: <c>GET /metrics</c> in the text exposition format, on its own loopback listener (HTTP/1.1,
/// no authentication: it must not leave the machine, so it binds only loopback addresses). Anything else is 404.
/// </summary>
public sealed class MetricsEndpoint : IAsyncDisposable
{
    private ListenOptions? _listener;

    private MetricsEndpoint(WebApplication app) => App = app;

    public WebApplication App { get; }

    /// <summary>The address the started endpoint listens on (the real port when bound to port 0).</summary>
    public IPEndPoint EndPoint => (IPEndPoint)_listener!.EndPoint;

    /// <summary>Builds (does not start) the endpoint on <paramref name="bind"/>, exporting <paramref name="registry"/>.</summary>
    /// <exception cref="NodeException"><paramref name="bind"/> is not a loopback address.</exception>
    public static MetricsEndpoint Build(IPEndPoint bind, CollectorRegistry registry, string contentRoot, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(bind);
        ArgumentNullException.ThrowIfNull(registry);
        if (!IPAddress.IsLoopback(bind.Address))
        {
            throw new NodeException($"Node:Metrics:Listen must be a loopback address (the metrics endpoint has no authentication); got {bind}.");
        }

        var builder = EndpointApp.CreateBuilder(contentRoot, loggerFactory);
        ListenOptions? listener = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(bind, listen =>
            {
                listener = listen;
                listen.Protocols = HttpProtocols.Http1;
            });
        });
        var app = builder.Build();
        app.MapGet("/metrics", async (HttpContext http) =>
        {
            http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await registry.CollectAndExportAsTextAsync(http.Response.Body, http.RequestAborted);
        });
        return new MetricsEndpoint(app) { _listener = listener };
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}
