using BenchmarkDotNet.Attributes;
using PrivacyNode.Crypto.Aggregate;
using PrivacyNode.Crypto.Bfv;
using PrivacyNode.Crypto.Multiparty;
using PrivacyNode.Crypto.Rlwe;

namespace PrivacyNode.Benchmarks.He;

/// <summary>
/// The homomorphic part of an he-aggregate job with 3 providers and 1,000 groups (values in [0, 10^8]: two limb planes),
/// step by step: what one provider, the aggregator and the requester compute once their data is read; and, for a job with
/// a threshold key, what each provider adds: its key share and its shares of the two key switches.
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
    private Ciphertext _countTotal = null!;
    private HeAggregateResult _result = null!;
    private ThresholdParty _party = null!;
    private byte[] _seed = [];

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
        _party = new ThresholdParty(HeAggregateParameters.Bfv);
        _seed = UniformSampler.NewSeed();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _requester.Dispose();
        _aggregator.Dispose();
        _party.Dispose();
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

    /// <summary>Threshold key: one provider's share of the collective public key.</summary>
    [Benchmark]
    public PublicKey ThresholdKeyShare() => _party.CreatePublicKeyShare(_seed);

    /// <summary>Threshold key: one provider's shares of both key switches (the count total, then 2 planes and the counts).</summary>
    [Benchmark]
    public Ciphertext[] ThresholdSwitchShares()
    {
        var flooding = ThresholdKey.FloodingBits(HeAggregateParameters.Bfv, Providers);
        return [.. new[] { _result.Counts }.Concat(_result.SumPlanes).Append(_result.Counts)
            .Select(c => _party.CreateKeySwitchShare(c, _requester.PublicKey, flooding))];
    }
}
