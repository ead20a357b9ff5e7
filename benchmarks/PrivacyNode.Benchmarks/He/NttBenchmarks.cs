using BenchmarkDotNet.Attributes;
using PrivacyNode.Crypto.Arithmetic;

namespace PrivacyNode.Benchmarks.He;

/// <summary>
/// One polynomial, one prime: the forward and inverse negacyclic NTT at SEAL's default sizes, the row
/// "forward / inverse NTT, 1 polynomial, 1 prime" of ../shared/docs/targets.md (SEAL 4.4.3 without HEXL).
/// </summary>
public class NttBenchmarks
{
    private NttTables _tables = null!;
    private ulong[] _values = [];
    private ulong[] _inverseValues = [];

    /// <summary>The degree; the prime is the largest of SEAL's default moduli for it.</summary>
    [Params(4096, 8192, 16384)]
    public int Degree { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var bits = Degree switch { 4096 => 37, 8192 => 44, _ => 49 };
        _tables = new NttTables(Degree, new Modulus(NttPrimes.Generate(bits, 1, Degree)[0]));
        _values = new ulong[Degree];
        for (var i = 0; i < Degree; i++)
        {
            _values[i] = (ulong)(i * 7919) % _tables.Modulus.Value;
        }

        _inverseValues = (ulong[])_values.Clone();
    }

    /// <summary>Inputs and outputs in [0, 4q), so repeated calls stay in range (SEAL's evaluator uses the lazy form too).</summary>
    [Benchmark]
    public ulong ForwardLazy()
    {
        Ntt.ForwardLazy(_values, _tables);
        return _values[0];
    }

    /// <summary>The same transform with the AVX-512 stages off: the scalar path's cost on this machine.</summary>
    [Benchmark]
    public ulong ForwardLazyScalar()
    {
        Ntt.ForwardLazy(_values, _tables, vectors: false);
        return _values[0];
    }

    /// <summary>Inputs and outputs in [0, 2q).</summary>
    [Benchmark]
    public ulong InverseLazy()
    {
        Ntt.InverseLazy(_inverseValues, _tables);
        return _inverseValues[0];
    }
}
