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
        (_groups, _low) = (groups, low);
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

    /// <summary>Per group, its total row count and Σ v, or null where the aggregator suppressed it.</summary>
    /// <exception cref="ArgumentException">The result has the wrong number of planes or foreign ciphertexts.</exception>
    public IReadOnlyList<(long Count, Int128 Sum)?> Decrypt(HeAggregateResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.SumPlanes.Count != Planes)
        {
            throw new ArgumentException($"The result holds {result.SumPlanes.Count} planes; this job has {Planes}.", nameof(result));
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

            Int128 sum = 0;
            for (var p = 0; p < Planes; p++)
            {
                sum += (Int128)planes[p][g] << (p * _limbBits);
            }

            totals[g] = ((long)counts[g], sum + ((long)counts[g] * (Int128)_low));
        }

        return totals;
    }

    /// <inheritdoc/>
    public void Dispose() => _secretKey.Dispose();
}
