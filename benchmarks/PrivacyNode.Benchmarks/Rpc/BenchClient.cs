using Grpc.Net.Client;
using PrivacyNode.Benchmarks.Protos;
using PrivacyNode.PinnedTls;

namespace PrivacyNode.Benchmarks.Rpc;

/// <summary>Grpc.Net.Client on the handler a node uses for its peers.</summary>
internal sealed class BenchClient(GrpcChannel channel) : IDisposable
{
    private readonly BenchService.BenchServiceClient _client = new(channel);

    public static BenchClient Connect(BenchServerProcess server, bool tls)
    {
        var pinned = CertificateFingerprint.Compute(server.ServerCertificate);
        var handler = tls
            ? PinnedClientHandler.Create(server.ClientCertificate, c => CertificateFingerprint.Matches(c, pinned), TimeSpan.FromSeconds(10))
            : PinnedClientHandler.KeepAlive(TimeSpan.FromSeconds(10));

        var address = tls ? $"https://127.0.0.1:{server.TlsPort}" : $"http://127.0.0.1:{server.CleartextPort}";
        return new BenchClient(GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler, MaxReceiveMessageSize = 16 * 1024 * 1024 }));
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
