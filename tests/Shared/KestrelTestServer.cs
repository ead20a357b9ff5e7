using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivacyNode.PinnedTls;

namespace PrivacyNode.Testing;

/// <summary>Real Kestrel on 127.0.0.1, port 0, serving gRPC services (Grpc.AspNetCore) over h2c or mutual TLS.</summary>
public sealed class KestrelTestServer : IAsyncDisposable
{
    /// <summary>The receive limit of test servers, for the size tests.</summary>
    public const int MaxReceiveMessageSize = 4 * 1024 * 1024;

    private readonly WebApplication _app;

    private KestrelTestServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>
    /// Starts a server whose services <paramref name="addServices"/> registers and <paramref name="mapServices"/> maps. With
    /// <paramref name="serverCertificate"/>, TLS is on and clients must present a certificate that <paramref name="isTrustedClient"/> accepts.
    /// </summary>
    public static async Task<KestrelTestServer> StartAsync(Action<IServiceCollection> addServices, Action<IEndpointRouteBuilder> mapServices,
        X509Certificate2? serverCertificate = null, Func<X509Certificate2, bool>? isTrustedClient = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc(options => options.MaxReceiveMessageSize = MaxReceiveMessageSize);
        addServices(builder.Services);
        ListenOptions? listen = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, options =>
            {
                listen = options;
                options.Protocols = HttpProtocols.Http2;
                if (serverCertificate is not null)
                {
                    options.UseHttps(MutualTls.ServerOptions(() => serverCertificate, isTrustedClient ?? (_ => false)));
                }
            });
        });
        var app = builder.Build();
        mapServices(app);
        await app.StartAsync();
        var scheme = serverCertificate is null ? "http" : "https";
        var port = ((IPEndPoint)listen!.EndPoint).Port;
        return new KestrelTestServer(app, new Uri($"{scheme}://127.0.0.1:{port}"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
