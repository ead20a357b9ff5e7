using BenchmarkDotNet.Attributes;
using PrivacyNode.Crypto.Aggregate;

namespace PrivacyNode.Benchmarks.He;

/// <summary>
/// The homomorphic part of an he-aggregate job with 3 providers and 1,000 groups (values in [0, 10^8]: two limb planes),
/// step by step: what one provider, the aggregator and the requester compute once their data is read.
/// </summary>
[MemoryDiagnoser]
public class HeAggregateBenchmarks : IDisposable
{
    private const int Groups = 1000;
    private const int Providers = 3;
    private const long High = 100_000_000;

    private HeAggregateRequester _requester = null!;
    private HeAggregator _aggregator = null!;
    private long[] _counts = [];
    private UInt128[] _sums = [];
    private HeAggregateContribution[] _contributions = [];
    private PrivacyNode.Crypto.Bfv.Ciphertext _countTotal = null!;
    private HeAggregateResult _result = null!;

    [GlobalSetup]
    public void Setup()
    {
        _requester = new HeAggregateRequester(Groups, Providers, 0, High);
        _aggregator = new HeAggregator(Groups);
        _counts = [.. Enumerable.Range(0, Groups).Select(g => 1000L + g)];
        _sums = [.. _counts.Select(c => (UInt128)c * (High / 2))];
        _contributions = [.. Enumerable.Range(0, Providers).Select(_ => Contribute())];
        _countTotal = HeAggregateRequester.SumCounts([.. _contributions.Select(c => c.CountsForAggregatorKey!)]);
        _result = Combine();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _requester.Dispose();
        _aggregator.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>One provider: encode and encrypt its limb planes and counts, and its counts again under the count key.</summary>
    [Benchmark]
    public HeAggregateContribution Contribute() =>
        HeAggregateContribution.Create(_requester.PublicKey, _aggregator.CountKey, Providers, 0, High, _counts, _sums);

    /// <summary>The aggregator: decrypt the count total, add the three contributions, pad and flood.</summary>
    [Benchmark]
    public HeAggregateResult Combine() => _aggregator.Combine(_requester.PublicKey, _contributions, _countTotal, minimumCount: 10);

    /// <summary>The requester: decrypt and recombine the totals.</summary>
    [Benchmark]
    public IReadOnlyList<(long Count, Int128 Sum)?> Decrypt() => _requester.Decrypt(_result, long.MaxValue);
}
