using System.Net;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivacyNode.Benchmarks.Protos;
using PrivacyNode.Rpc.Security;

namespace PrivacyNode.Benchmarks.Rpc;

/// <summary>The same service on the standard stack (Grpc.AspNetCore.Server), on h2c and on mutual TLS with the same pinning.</summary>
internal static class StandardBenchServer
{
    public static async Task<int> RunAsync(X509Certificate2 server, byte[] clientPin)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc(options => options.MaxReceiveMessageSize = 16 * 1024 * 1024);
        ListenOptions? cleartext = null;
        ListenOptions? tls = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                cleartext = listen;
                listen.Protocols = HttpProtocols.Http2;
            });
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                tls = listen;
                listen.Protocols = HttpProtocols.Http2;
                listen.UseHttps(MutualTls.ServerOptions(() => server, c => CertificateFingerprint.Matches(c, clientPin)));
            });
        });
        await using var app = builder.Build();
        app.MapGrpcService<Service>();
        await app.StartAsync();
        Console.WriteLine($"PORTS {((IPEndPoint)cleartext!.EndPoint).Port} {((IPEndPoint)tls!.EndPoint).Port}");
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
        return 0;
    }

    private sealed class Service : BenchService.BenchServiceBase
    {
        public override Task<Payload> Unary(Payload request, ServerCallContext context) => Task.FromResult(request);

        public override async Task Download(DownloadRequest request, IServerStreamWriter<Payload> responseStream, ServerCallContext context)
        {
            var message = BenchServer.DownloadMessage(request);
            for (var i = 0; i < request.Count; i++)
            {
                await responseStream.WriteAsync(message, context.CancellationToken);
            }
        }

        public override async Task<UploadSummary> Upload(IAsyncStreamReader<Payload> requestStream, ServerCallContext context)
        {
            var summary = new UploadSummary();
            while (await requestStream.MoveNext(context.CancellationToken))
            {
                summary.Messages++;
                summary.Bytes += requestStream.Current.Data.Length;
            }

            return summary;
        }
    }
}
