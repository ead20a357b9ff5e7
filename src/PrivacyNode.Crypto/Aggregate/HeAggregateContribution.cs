using PrivacyNode.Crypto.Bfv;

namespace PrivacyNode.Crypto.Aggregate;

/// <summary>
/// One provider's encrypted per-group totals (docs/protocols/he-aggregate.md): the limb planes of its sums and its
/// counts under the requester's key, sealed to the aggregator by the caller, and its counts again under the
/// aggregator's count key, which go to the requester to be added up before the aggregator sees them. In a threshold
/// job, sums and counts are under the collective key, and there is no second copy of the counts.
/// </summary>
public sealed class HeAggregateContribution
{
    private HeAggregateContribution(IReadOnlyList<Ciphertext> sumPlanes, Ciphertext counts, Ciphertext? countsForAggregatorKey)
    {
        SumPlanes = sumPlanes;
        Counts = counts;
        CountsForAggregatorKey = countsForAggregatorKey;
    }

    /// <summary>Per plane, limb ℓ of each group's Σ (v − low), under the requester's (or the collective) key.</summary>
    public IReadOnlyList<Ciphertext> SumPlanes { get; }

    /// <summary>Each group's row count, under the requester's (or the collective) key.</summary>
    public Ciphertext Counts { get; }

    /// <summary>Each group's row count, under the aggregator's count key; null in a contribution the aggregator reassembled (it never sees this part).</summary>
    public Ciphertext? CountsForAggregatorKey { get; }

    /// <summary>
    /// Encrypts a provider's totals: <paramref name="counts"/>[g] rows in group g, with <paramref name="offsetSums"/>[g] = Σ (v − low)
    /// over them, for <paramref name="providers"/> providers and values in [<paramref name="low"/>, <paramref name="high"/>].
    /// The sums and counts go under <paramref name="key"/> (the requester's key, or a threshold job's collective key), the
    /// counts again under <paramref name="aggregatorKey"/> unless it is null (a threshold job, whose counts reach the
    /// aggregator by key switching).
    /// </summary>
    /// <exception cref="ArgumentException">Keys for other parameters, group lists of different or too great length, or a total out of range.</exception>
    public static HeAggregateContribution Create(PublicKey key, PublicKey? aggregatorKey, int providers, long low, long high, IReadOnlyList<long> counts, IReadOnlyList<UInt128> offsetSums)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(offsetSums);
        HeAggregator.CheckKey(key, nameof(key));
        if (aggregatorKey is not null)
        {
            HeAggregator.CheckKey(aggregatorKey, nameof(aggregatorKey));
        }

        if (counts.Count != offsetSums.Count || counts.Count is 0 || counts.Count > HeAggregateParameters.MaxGroups)
        {
            throw new ArgumentException($"Counts and sums are given for the same 1 to {HeAggregateParameters.MaxGroups} groups.", nameof(counts));
        }

        var bits = HeAggregateParameters.LimbBits(providers);
        var planes = HeAggregateParameters.Planes(low, high, bits);
        var span = (UInt128)(ulong)(high - low);
        var parameters = HeAggregateParameters.Bfv;
        var limbs = Enumerable.Range(0, planes).Select(_ => new ulong[parameters.Degree]).ToArray();
        var countSlots = new ulong[parameters.Degree];
        for (var g = 0; g < counts.Count; g++)
        {
            if (counts[g] < 0 || counts[g] >= 1L << HeAggregateParameters.MaxRowsBits || offsetSums[g] > span * (ulong)counts[g])
            {
                throw new ArgumentException($"Group {g}'s count or sum is outside what {counts[g]} values in the range can make.", nameof(offsetSums));
            }

            countSlots[g] = (ulong)counts[g];
            for (var p = 0; p < planes; p++)
            {
                limbs[p][g] = (ulong)(offsetSums[g] >> (p * bits)) & ((1UL << bits) - 1);
            }
        }

        var encoder = new BatchEncoder(parameters);
        var encryptor = new Encryptor(key);
        var countPlain = encoder.Encode(countSlots);
        return new HeAggregateContribution(
            [.. limbs.Select(l => encryptor.Encrypt(encoder.Encode(l)))],
            encryptor.Encrypt(countPlain),
            aggregatorKey is null ? null : new Encryptor(aggregatorKey).Encrypt(countPlain));
    }

    /// <summary>Reassembles a contribution's sums and counts after transport (the part sealed to the aggregator, or a threshold job's), checking their shapes.</summary>
    /// <exception cref="ArgumentException">A ciphertext is for other parameters or not fresh-shaped.</exception>
    public static HeAggregateContribution From(IReadOnlyList<Ciphertext> sumPlanes, Ciphertext counts)
    {
        ArgumentNullException.ThrowIfNull(sumPlanes);
        foreach (var ciphertext in sumPlanes.Append(counts))
        {
            HeAggregator.CheckShape(ciphertext);
        }

        return new HeAggregateContribution(sumPlanes, counts, null);
    }
}
