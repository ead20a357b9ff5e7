using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using PrivacyNode.Rpc.Security;
using PrivacyNode.Rpc.Server;

namespace PrivacyNode.Testing;

/// <summary>Real Kestrel on 127.0.0.1, port 0, serving one router over h2c or mutual TLS.</summary>
public sealed class KestrelTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelTestServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Starts a server. With <paramref name="serverCertificate"/>, TLS is on and clients must present a certificate that <paramref name="isTrustedClient"/> accepts.</summary>
    public static async Task<KestrelTestServer> StartAsync(RpcRouter router, X509Certificate2? serverCertificate = null, Func<X509Certificate2, bool>? isTrustedClient = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? listen = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, options =>
            {
                listen = options;
                if (serverCertificate is not null)
                {
                    options.UseHttps(MutualTls.ServerOptions(() => serverCertificate, isTrustedClient ?? (_ => false)));
                }

                options.UseRpcRouter(router);
            });
        });
        var app = builder.Build();
        app.Run(RpcListenOptionsExtensions.DispatchAsync);
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
