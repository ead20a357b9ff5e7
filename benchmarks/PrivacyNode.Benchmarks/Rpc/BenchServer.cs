using System.Net;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivacyNode.Benchmarks.Protos;
using PrivacyNode.PinnedTls;

namespace PrivacyNode.Benchmarks.Rpc;

/// <summary>
/// The benchmark server, run as its own process (<c>PrivacyNode.Benchmarks rpc-server &lt;cert-dir&gt;</c>) so that client and server
/// do not share a runtime, as between two nodes. Grpc.AspNetCore on Kestrel, listening on 127.0.0.1 with h2c and with pinned mutual
/// TLS; prints both ports.
/// </summary>
internal static class BenchServer
{
    public static async Task<int> RunAsync(string certificateDirectory)
    {
        var server = X509Certificate2.CreateFromPemFile(Path.Combine(certificateDirectory, "server.pem"));
        var clientPin = CertificateFingerprint.Compute(X509CertificateLoader.LoadCertificateFromFile(Path.Combine(certificateDirectory, "client.crt")));
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

    /// <summary>The message a download repeats.</summary>
    public static Payload DownloadMessage(DownloadRequest request)
    {
        var message = new Payload();
        if (request.ItemsPerMessage > 0)
        {
            var item = ByteString.CopyFrom(new byte[request.ItemSize]);
            for (var i = 0; i < request.ItemsPerMessage; i++)
            {
                message.Items.Add(item);
            }
        }
        else
        {
            message.Data = ByteString.CopyFrom(new byte[request.MessageSize]);
        }

        return message;
    }

    /// <summary>The payload bytes a message carries.</summary>
    public static long Size(Payload message) => message.Data.Length + message.Items.Sum(i => (long)i.Length);

    private sealed class Service : BenchService.BenchServiceBase
    {
        public override Task<Payload> Unary(Payload request, ServerCallContext context) => Task.FromResult(request);

        public override async Task Download(DownloadRequest request, IServerStreamWriter<Payload> responseStream, ServerCallContext context)
        {
            var message = DownloadMessage(request);
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
