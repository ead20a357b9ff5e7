using System.Net;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using PrivacyNode.Benchmarks.Protos;
using PrivacyNode.Rpc.Security;
using PrivacyNode.Rpc.Server;

namespace PrivacyNode.Benchmarks.Rpc;

/// <summary>
/// The benchmark server, run as its own process (<c>PrivacyNode.Benchmarks rpc-server &lt;cert-dir&gt; ours|grpc-dotnet</c>) so
/// that client and server do not share a runtime, as between two nodes. Listens on 127.0.0.1 with h2c and with mutual TLS, on our
/// stack or the standard one (<see cref="StandardBenchServer"/>), and prints both ports.
/// </summary>
internal static class BenchServer
{
    public static async Task<int> RunAsync(string certificateDirectory, string stack)
    {
        var server = X509Certificate2.CreateFromPemFile(Path.Combine(certificateDirectory, "server.pem"));
        var client = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(certificateDirectory, "client.crt"));
        var clientPin = CertificateFingerprint.Compute(client);
        if (stack == RpcBenchmarks.Standard)
        {
            return await StandardBenchServer.RunAsync(server, clientPin);
        }

        var router = new RpcRouter(new RpcServerOptions { MaxReceiveMessageSize = 16 * 1024 * 1024 })
            .MapUnary(BenchMethods.Unary, (request, _) => Task.FromResult(request))
            .MapServerStreaming(BenchMethods.Download, DownloadAsync)
            .MapClientStreaming(BenchMethods.Upload, UploadAsync);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? cleartext = null;
        ListenOptions? tls = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                cleartext = listen;
                listen.UseRpcRouter(router);
            });
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                tls = listen;
                listen.UseHttps(MutualTls.ServerOptions(() => server, c => CertificateFingerprint.Matches(c, clientPin)));
                listen.UseRpcRouter(router);
            });
        });
        await using var app = builder.Build();
        app.Run(RpcListenOptionsExtensions.DispatchAsync);
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

    private static async Task DownloadAsync(DownloadRequest request, PrivacyNode.Rpc.IAsyncStreamWriter<Payload> responses, ServerCallContext context)
    {
        var message = DownloadMessage(request);
        for (var i = 0; i < request.Count; i++)
        {
            await responses.WriteAsync(message, context.CancellationToken);
        }
    }

    private static async Task<UploadSummary> UploadAsync(PrivacyNode.Rpc.IAsyncStreamReader<Payload> requests, ServerCallContext context)
    {
        var summary = new UploadSummary();
        while (await requests.MoveNextAsync(context.CancellationToken))
        {
            summary.Messages++;
            summary.Bytes += requests.Current.Data.Length;
        }

        return summary;
    }
}
