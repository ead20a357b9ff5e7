using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using PrivacyNode.Benchmarks.Protos;

namespace PrivacyNode.Benchmarks.Rpc;

/// <summary>
/// gRPC over loopback, client and server in separate processes (the server is <see cref="BenchServer"/>), Grpc.AspNetCore.Server and
/// Grpc.Net.Client over h2c and over the pinned mutual TLS nodes use: unary calls with one caller and with 16 concurrent calls;
/// streaming throughput (64 MiB per operation).
/// </summary>
[MemoryDiagnoser]
public class RpcBenchmarks
{
    private const int StreamMessages = 1024;
    private BenchServerProcess _server = null!;
    private BenchClient _client = null!;
    private Payload _small = null!;
    private Payload _chunk = null!;

    [Params("h2c", "mtls")]
    public string Transport { get; set; } = "h2c";

    [GlobalSetup]
    public void Setup()
    {
        _server = BenchServerProcess.Start();
        _client = BenchClient.Connect(_server, Transport == "mtls");
        _small = new Payload { Data = ByteString.CopyFrom(new byte[16]) };
        _chunk = new Payload { Data = ByteString.CopyFrom(new byte[64 * 1024]) };
        _client.UnaryAsync(_small).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _server.Dispose();
    }

    /// <summary>One small unary call at a time: latency, and 1/latency calls per second.</summary>
    [Benchmark]
    public Task<Payload> UnaryOneCaller() => _client.UnaryAsync(_small);

    /// <summary>16 small unary calls in flight; the time is per call.</summary>
    [Benchmark(OperationsPerInvoke = 16)]
    public Task UnarySixteenConcurrent()
    {
        var calls = new Task[16];
        for (var i = 0; i < calls.Length; i++)
        {
            calls[i] = _client.UnaryAsync(_small);
        }

        return Task.WhenAll(calls);
    }

    /// <summary>Server streaming 64 MiB as 1,024 messages of 64 KiB.</summary>
    [Benchmark]
    public Task<long> Download64MiBIn64KiBMessages() => _client.DownloadAsync(new DownloadRequest { Count = StreamMessages, MessageSize = 64 * 1024 });

    /// <summary>Server streaming 64 MiB as 32-byte items, 2,048 per message (how PSI batches group elements).</summary>
    [Benchmark]
    public Task<long> Download64MiBIn32ByteItems() => _client.DownloadAsync(new DownloadRequest { Count = StreamMessages, ItemsPerMessage = 2048, ItemSize = 32 });

    /// <summary>Client streaming 64 MiB as 1,024 messages of 64 KiB.</summary>
    [Benchmark]
    public Task<long> Upload64MiBIn64KiBMessages() => _client.UploadAsync(_chunk, StreamMessages);
}
