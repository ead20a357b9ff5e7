using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using PrivacyNode.Benchmarks.Protos;
using PrivacyNode.Rpc.Client;
using PrivacyNode.Rpc.Security;

namespace PrivacyNode.Benchmarks.Rpc;

/// <summary>
/// Our gRPC layer over loopback, client and server in separate processes (the server is <see cref="BenchServer"/>).
/// Compare with the prototype figures in shared/docs/targets.md: unary calls per second with one caller and
/// with 16 concurrent calls; streaming throughput in MiB/s (64 MiB per operation).
/// </summary>
[MemoryDiagnoser]
public class RpcBenchmarks
{
    private const int StreamMessages = 1024;
    private BenchServerProcess _server = null!;
    private RpcChannel _channel = null!;
    private Payload _small = null!;
    private Payload _chunk = null!;

    [Params("h2c", "mtls")]
    public string Transport { get; set; } = "h2c";

    [GlobalSetup]
    public void Setup()
    {
        _server = BenchServerProcess.Start();
        var pinned = CertificateFingerprint.Compute(_server.ServerCertificate);
        _channel = Transport == "h2c"
            ? new RpcChannel(new Uri($"http://127.0.0.1:{_server.CleartextPort}"))
            : new RpcChannel(new Uri($"https://127.0.0.1:{_server.TlsPort}"), new RpcChannelOptions
            {
                ClientCertificate = _server.ClientCertificate,
                ServerCertificateValidator = c => CertificateFingerprint.Matches(c, pinned),
            });
        _small = new Payload { Data = ByteString.CopyFrom(new byte[16]) };
        _chunk = new Payload { Data = ByteString.CopyFrom(new byte[64 * 1024]) };
        _channel.UnaryAsync(BenchMethods.Unary, _small).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _channel.Dispose();
        _server.Dispose();
    }

    /// <summary>One small unary call at a time: latency, and 1/latency calls per second.</summary>
    [Benchmark]
    public Task<Payload> UnaryOneCaller() => _channel.UnaryAsync(BenchMethods.Unary, _small);

    /// <summary>16 small unary calls in flight; the time is per call.</summary>
    [Benchmark(OperationsPerInvoke = 16)]
    public Task UnarySixteenConcurrent()
    {
        var calls = new Task[16];
        for (var i = 0; i < calls.Length; i++)
        {
            calls[i] = _channel.UnaryAsync(BenchMethods.Unary, _small);
        }

        return Task.WhenAll(calls);
    }

    /// <summary>Server streaming 64 MiB as 1,024 messages of 64 KiB.</summary>
    [Benchmark]
    public Task<long> Download64MiBIn64KiBMessages() => DownloadAsync(new DownloadRequest { Count = StreamMessages, MessageSize = 64 * 1024 });

    /// <summary>Server streaming 64 MiB as 32-byte items, 2,048 per message (how PSI batches group elements).</summary>
    [Benchmark]
    public Task<long> Download64MiBIn32ByteItems() => DownloadAsync(new DownloadRequest { Count = StreamMessages, ItemsPerMessage = 2048, ItemSize = 32 });

    /// <summary>Client streaming 64 MiB as 1,024 messages of 64 KiB.</summary>
    [Benchmark]
    public async Task<long> Upload64MiBIn64KiBMessages()
    {
        using var call = _channel.StartClientStreaming(BenchMethods.Upload);
        for (var i = 0; i < StreamMessages; i++)
        {
            await call.RequestStream.WriteAsync(_chunk);
        }

        await call.RequestStream.CompleteAsync();
        return (await call).Bytes;
    }

    private async Task<long> DownloadAsync(DownloadRequest request)
    {
        using var call = _channel.StartServerStreaming(BenchMethods.Download, request);
        long bytes = 0;
        while (await call.ResponseStream.MoveNextAsync())
        {
            var message = call.ResponseStream.Current;
            bytes += message.Data.Length + (message.Items.Count * 32L);
        }

        return bytes;
    }
}
