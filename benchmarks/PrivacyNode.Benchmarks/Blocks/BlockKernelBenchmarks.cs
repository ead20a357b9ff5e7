using BenchmarkDotNet.Attributes;
using PrivacyNode.Crypto.Blocks;

namespace PrivacyNode.Benchmarks.Blocks;

/// <summary>
/// The kernels of the OT-extension and VOLE PSI suite (issue 18), one core: fixed-key AES-128 over 4,096 blocks (64 KiB) per
/// operation, and GF(2^128) multiplications, 4,096 per operation in a dependent chain (latency), independent (throughput) and as
/// one inner product (one reduction for the whole sum).
/// </summary>
[MemoryDiagnoser]
public class BlockKernelBenchmarks : IDisposable
{
    private const int Blocks = 4096;
    private readonly byte[] _data = new byte[Blocks * Aes128.BlockSize];
    private readonly UInt128[] _elements = new UInt128[Blocks];
    private readonly UInt128[] _others = new UInt128[Blocks];
    private Aes128 _aes = null!;

    [GlobalSetup]
    public void Setup()
    {
        _aes = new Aes128(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        System.Security.Cryptography.RandomNumberGenerator.Fill(_data);
        for (var i = 0; i < Blocks; i++)
        {
            _elements[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(_data.AsSpan(i * 16, 16));
            _others[i] = _elements[i] ^ ((UInt128)i << 64);
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _aes.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>64 KiB through AES-128 in place.</summary>
    [Benchmark(OperationsPerInvoke = Blocks)]
    public void AesBlock() => _aes.Encrypt(_data, _data);

    /// <summary>Multiplications that each wait for the previous product.</summary>
    [Benchmark(OperationsPerInvoke = Blocks)]
    public UInt128 Gf128MultiplyChained()
    {
        var x = _elements[0];
        for (var i = 0; i < Blocks; i++)
        {
            x = Gf128.Multiply(x, _elements[i]);
        }

        return x;
    }

    /// <summary>The same sum as one inner product: products added unreduced, one reduction.</summary>
    [Benchmark(OperationsPerInvoke = Blocks)]
    public UInt128 Gf128InnerProduct() => Gf128.InnerProduct(_elements, _others);

    /// <summary>Independent multiplications, each reduced, summed (as an inner product of a VOLE correlation).</summary>
    [Benchmark(OperationsPerInvoke = Blocks)]
    public UInt128 Gf128MultiplyIndependent()
    {
        UInt128 sum = 0;
        for (var i = 0; i < Blocks; i++)
        {
            sum ^= Gf128.Multiply(_elements[i], _others[i]);
        }

        return sum;
    }
}
