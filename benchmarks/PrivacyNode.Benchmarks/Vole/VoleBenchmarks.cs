using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using PrivacyNode.Crypto.Psi;
using PrivacyNode.Crypto.Vole;

namespace PrivacyNode.Benchmarks.Vole;

/// <summary>
/// The VOLE PSI suite's layers (issue 18), both cores: OT extension per OT (2^16 OTs), silent VOLE per output for each side (one chunk of
/// 2^20), RB-OKVS encoding and decoding per key (2^20 keys), and the whole suite in memory, requester and provider in one process,
/// for 2^20 keys on each side (a job between nodes adds the transport and the datasets: see benchmarks/psi-e2e.sh).
/// </summary>
[MemoryDiagnoser]
public class VoleBenchmarks : IDisposable
{
    private const int Ots = 1 << 16;
    private const int Keys = 1 << 20;
    private readonly bool[] _choices = [.. Enumerable.Range(0, Ots).Select(i => (i * 7 % 3) == 0)];
    private OtExtensionReceiver _otReceiver = null!;
    private OtExtensionSender _otSender = null!;
    private byte[] _otMessage = [];
    private SilentVoleSender _voleSender = null!;
    private SilentVoleReceiver _voleReceiver = null!;
    private byte[] _voleMessage = [];
    private OkvsRow[] _rows = [];
    private UInt128[] _values = [];
    private UInt128[] _store = [];
    private List<ReadOnlyMemory<byte>> _requesterKeys = [];
    private List<ReadOnlyMemory<byte>> _providerKeys = [];

    [GlobalSetup]
    public void Setup()
    {
        var delta = (UInt128)RandomNumberGenerator.GetInt32(int.MaxValue) << 64 | 12345;
        var zero = Enumerable.Range(0, 128).Select(_ => RandomNumberGenerator.GetBytes(16)).ToArray();
        var one = Enumerable.Range(0, 128).Select(_ => RandomNumberGenerator.GetBytes(16)).ToArray();
        var chosen = Enumerable.Range(0, 128).Select(j => ((delta >> j) & 1) == 1 ? one[j] : zero[j]).ToArray();
        _otReceiver = new OtExtensionReceiver(zero, one);
        _otSender = new OtExtensionSender(delta, chosen);
        _otMessage = _otReceiver.Extend(_choices).Message;

        var parameters = new VoleParameters(VoleParameters.MaxChunk / 2);
        _voleSender = new SilentVoleSender(parameters, delta, chosen);
        _voleReceiver = new SilentVoleReceiver(parameters, zero, one);
        _voleSender.AcceptExtension(_voleReceiver.ExtensionMessage);
        _voleMessage = _voleSender.Chunk(parameters.Chunks[0]).Message;

        var size = BandOkvs.Size(Keys);
        _rows = new OkvsRow[Keys];
        _values = new UInt128[Keys];
        for (var i = 0; i < Keys; i++)
        {
            var hash = RandomNumberGenerator.GetBytes(56);
            _rows[i] = BandOkvs.Row(hash, size);
            _values[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(hash.AsSpan(40));
        }

        BandOkvs.TryEncode(_rows, _values, size, out _store);
        _requesterKeys = [.. Enumerable.Range(0, Keys).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"key-{i * 2}"))];
        _providerKeys = [.. Enumerable.Range(0, Keys).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"key-{i * 3}"))];
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _otReceiver.Dispose();
        _otSender.Dispose();
        _voleSender.Dispose();
        _voleReceiver.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The receiver's half of OT extension: PRG columns, the message, the transposition.</summary>
    [Benchmark(OperationsPerInvoke = Ots)]
    public int OtExtensionReceiverPerOt() => _otReceiver.Extend(_choices).Rows.Length;

    /// <summary>The sender's half.</summary>
    [Benchmark(OperationsPerInvoke = Ots)]
    public int OtExtensionSenderPerOt() => _otSender.Receive(Ots, _otMessage).Length;

    /// <summary>The VOLE sender's chunk: GGM trees, accumulate, expand.</summary>
    [Benchmark(OperationsPerInvoke = VoleParameters.MaxChunk / 2)]
    public int VoleSenderPerOutput() => _voleSender.Chunk(_voleSender.Parameters.Chunks[0]).B.Length;

    /// <summary>The VOLE receiver's chunk: punctured trees, accumulate, expand C and the noise into A.</summary>
    [Benchmark(OperationsPerInvoke = VoleParameters.MaxChunk / 2)]
    public int VoleReceiverPerOutput() => _voleReceiver.Chunk(_voleReceiver.Parameters.Chunks[0], _voleMessage).A.Length;

    /// <summary>RB-OKVS encoding of 2^20 keys (one core: the elimination is sequential).</summary>
    [Benchmark(OperationsPerInvoke = Keys)]
    public bool OkvsEncodePerKey() => BandOkvs.TryEncode(_rows, _values, _store.Length, out _);

    /// <summary>RB-OKVS decoding, one core.</summary>
    [Benchmark(OperationsPerInvoke = Keys)]
    public UInt128 OkvsDecodePerKey()
    {
        var sum = UInt128.Zero;
        foreach (var row in _rows)
        {
            sum ^= BandOkvs.Decode(_store, row);
        }

        return sum;
    }

    /// <summary>The whole suite, 2^20 × 2^20, both parties in this process (half the keys in common).</summary>
    [Benchmark]
    public int PsiInMemory2To20()
    {
        using var requester = new VolePsiRequester(_requesterKeys, withPayloads: false);
        requester.Encode();
        using var provider = new VolePsiProvider(_requesterKeys.Count);
        provider.Start(requester.Start(provider.BaseOtMessage));
        while (provider.NextChunk() is { } chunk)
        {
            provider.AcceptMasked(requester.Mask(chunk));
        }

        var tags = PsiParallel.Map(_providerKeys.Count, Oprf.TagSize, (from, count) =>
        {
            var part = new byte[count * Oprf.TagSize];
            provider.Tag(_providerKeys.GetRange(from, count), part, []);
            return part;
        }, CancellationToken.None);
        requester.AcceptProviderTags(tags, []);
        return requester.Finish((ulong)_providerKeys.Count).Count;
    }
}
