using System.Security.Cryptography;
using PrivacyNode.Crypto.Bfv;

namespace PrivacyNode.Crypto.Aggregate;

/// <summary>
/// The requester of he-aggregate (docs/protocols/he-aggregate.md): the job's key holder. It adds up the providers'
/// counts under the aggregator's key (which it cannot read) and decrypts the aggregator's masked totals.
/// Dispose zeroes the secret key. Not thread-safe.
/// </summary>
public sealed class HeAggregateRequester : IDisposable
{
    private readonly SecretKey _secretKey;
    private readonly int _groups;
    private readonly long _low;
    private readonly UInt128 _span;
    private readonly int _limbBits;

    /// <summary>A requester of totals over <paramref name="groups"/> groups from <paramref name="providers"/> providers, values in [<paramref name="low"/>, <paramref name="high"/>].</summary>
    public HeAggregateRequester(int groups, int providers, long low, long high)
    {
        if (groups < 1 || groups > HeAggregateParameters.MaxGroups)
        {
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"1 to {HeAggregateParameters.MaxGroups} groups.");
        }

        _limbBits = HeAggregateParameters.LimbBits(providers);
        Planes = HeAggregateParameters.Planes(low, high, _limbBits);
        (_groups, _low, _span) = (groups, low, (ulong)(high - low));
        var generator = new KeyGenerator(HeAggregateParameters.Bfv);
        _secretKey = generator.CreateSecretKey();
        PublicKey = generator.CreatePublicKey(_secretKey);
    }

    /// <summary>The job's secret key (tests look at what it decrypts).</summary>
    internal SecretKey SecretKeyForTests => _secretKey;

    /// <summary>The job's public key, under which providers encrypt their sums and counts.</summary>
    public PublicKey PublicKey { get; }

    /// <summary>Limb planes per contribution.</summary>
    public int Planes { get; }

    /// <summary>The sum of the contributions' counts under the aggregator's count key, the only count ciphertext the aggregator sees.</summary>
    public static Ciphertext SumCounts(IReadOnlyList<Ciphertext> countsForAggregatorKey)
    {
        ArgumentNullException.ThrowIfNull(countsForAggregatorKey);
        if (countsForAggregatorKey.Count == 0)
        {
            throw new ArgumentException("At least one contribution's counts.", nameof(countsForAggregatorKey));
        }

        var evaluator = new Evaluator(HeAggregateParameters.Bfv);
        foreach (var ciphertext in countsForAggregatorKey)
        {
            HeAggregator.CheckShape(ciphertext);
        }

        return countsForAggregatorKey.Skip(1).Aggregate(countsForAggregatorKey[0], evaluator.Add);
    }

    /// <summary>
    /// Per group, its total row count and Σ v, or null where the aggregator suppressed it. The providers summed
    /// <paramref name="totalRows"/> rows in all; a total that so many rows in the range cannot make is refused.
    /// </summary>
    /// <exception cref="ArgumentException">The result has the wrong number of planes, foreign ciphertexts or suppressed groups outside the domain.</exception>
    /// <exception cref="CryptographicException">A total is impossible for the rows summed: the ciphertexts were not made under this job's keys.</exception>
    public IReadOnlyList<(long Count, Int128 Sum)?> Decrypt(HeAggregateResult result, long totalRows)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.SumPlanes.Count != Planes)
        {
            throw new ArgumentException($"The result holds {result.SumPlanes.Count} planes; this job has {Planes}.", nameof(result));
        }

        if (result.Suppressed.Any(g => g < 0 || g >= _groups))
        {
            throw new ArgumentException($"A suppressed group lies outside the job's {_groups} groups.", nameof(result));
        }

        foreach (var ciphertext in result.SumPlanes.Append(result.Counts))
        {
            HeAggregator.CheckShape(ciphertext);
        }

        var decryptor = new Decryptor(_secretKey);
        var encoder = new BatchEncoder(HeAggregateParameters.Bfv);
        var counts = encoder.Decode(decryptor.Decrypt(result.Counts));
        var planes = result.SumPlanes.Select(p => encoder.Decode(decryptor.Decrypt(p))).ToArray();
        var suppressed = result.Suppressed.ToHashSet();
        var totals = new (long Count, Int128 Sum)?[_groups];
        for (var g = 0; g < _groups; g++)
        {
            if (suppressed.Contains(g))
            {
                continue;
            }

            UInt128 offsetSum = 0;
            for (var p = 0; p < Planes; p++)
            {
                offsetSum += (UInt128)planes[p][g] << (p * _limbBits);
            }

            if (counts[g] > (ulong)totalRows || offsetSum > _span * counts[g])
            {
                throw new CryptographicException($"Group {g}'s total is impossible for {totalRows} rows in the declared range: the totals were not encrypted under this job's keys.");
            }

            totals[g] = ((long)counts[g], (Int128)offsetSum + ((long)counts[g] * (Int128)_low));
        }

        return totals;
    }

    /// <inheritdoc/>
    public void Dispose() => _secretKey.Dispose();
}
