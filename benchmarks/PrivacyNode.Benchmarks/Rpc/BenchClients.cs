using System.Net.Security;
using Grpc.Net.Client;
using PrivacyNode.Benchmarks.Protos;
using PrivacyNode.Rpc.Client;
using PrivacyNode.Rpc.Security;

namespace PrivacyNode.Benchmarks.Rpc;

/// <summary>The benchmark's calls, on one stack.</summary>
internal interface IBenchClient : IDisposable
{
    Task<Payload> UnaryAsync(Payload request);

    Task<long> DownloadAsync(DownloadRequest request);

    Task<long> UploadAsync(Payload chunk, int messages);
}

/// <summary>Our own client (PrivacyNode.Rpc).</summary>
internal sealed class OurBenchClient(RpcChannel channel) : IBenchClient
{
    public static OurBenchClient Connect(BenchServerProcess server, bool tls)
    {
        var pinned = CertificateFingerprint.Compute(server.ServerCertificate);
        return new OurBenchClient(!tls
            ? new RpcChannel(new Uri($"http://127.0.0.1:{server.CleartextPort}"))
            : new RpcChannel(new Uri($"https://127.0.0.1:{server.TlsPort}"), new RpcChannelOptions
            {
                ClientCertificate = server.ClientCertificate,
                ServerCertificateValidator = c => CertificateFingerprint.Matches(c, pinned),
            }));
    }

    public Task<Payload> UnaryAsync(Payload request) => channel.UnaryAsync(BenchMethods.Unary, request);

    public async Task<long> DownloadAsync(DownloadRequest request)
    {
        using var call = channel.StartServerStreaming(BenchMethods.Download, request);
        long bytes = 0;
        while (await call.ResponseStream.MoveNextAsync())
        {
            bytes += BenchServer.Size(call.ResponseStream.Current);
        }

        return bytes;
    }

    public async Task<long> UploadAsync(Payload chunk, int messages)
    {
        using var call = channel.StartClientStreaming(BenchMethods.Upload);
        for (var i = 0; i < messages; i++)
        {
            await call.RequestStream.WriteAsync(chunk);
        }

        await call.RequestStream.CompleteAsync();
        return (await call).Bytes;
    }

    public void Dispose() => channel.Dispose();
}

/// <summary>The standard client (Grpc.Net.Client) with the same pinned mutual TLS, on SocketsHttpHandler.</summary>
internal sealed class StandardBenchClient(GrpcChannel channel) : IBenchClient
{
    private readonly BenchService.BenchServiceClient _client = new(channel);

    public static StandardBenchClient Connect(BenchServerProcess server, bool tls)
    {
        var pinned = CertificateFingerprint.Compute(server.ServerCertificate);
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        if (tls)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [server.ClientCertificate],
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && CertificateFingerprint.Matches(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()), pinned),
            };
        }

        var address = tls ? $"https://127.0.0.1:{server.TlsPort}" : $"http://127.0.0.1:{server.CleartextPort}";
        return new StandardBenchClient(GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler, MaxReceiveMessageSize = 16 * 1024 * 1024 }));
    }

    public Task<Payload> UnaryAsync(Payload request) => _client.UnaryAsync(request).ResponseAsync;

    public async Task<long> DownloadAsync(DownloadRequest request)
    {
        using var call = _client.Download(request);
        long bytes = 0;
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            bytes += BenchServer.Size(call.ResponseStream.Current);
        }

        return bytes;
    }

    public async Task<long> UploadAsync(Payload chunk, int messages)
    {
        using var call = _client.Upload();
        for (var i = 0; i < messages; i++)
        {
            await call.RequestStream.WriteAsync(chunk);
        }

        await call.RequestStream.CompleteAsync();
        return (await call.ResponseAsync).Bytes;
    }

    public void Dispose() => channel.Dispose();
}
