using PrivacyNode.Crypto.Bfv;

namespace PrivacyNode.Crypto.Aggregate;

/// <summary>
/// One provider's encrypted per-group totals (docs/protocols/he-aggregate.md): the limb planes of its sums and its
/// counts under the requester's key, sealed to the aggregator by the caller, and its counts again under the
/// aggregator's count key, which go to the requester to be added up before the aggregator sees them.
/// </summary>
public sealed class HeAggregateContribution
{
    private HeAggregateContribution(IReadOnlyList<Ciphertext> sumPlanes, Ciphertext counts, Ciphertext? countsForAggregatorKey)
    {
        SumPlanes = sumPlanes;
        Counts = counts;
        CountsForAggregatorKey = countsForAggregatorKey;
    }

    /// <summary>Per plane, limb ℓ of each group's Σ (v − low), under the requester's key.</summary>
    public IReadOnlyList<Ciphertext> SumPlanes { get; }

    /// <summary>Each group's row count, under the requester's key.</summary>
    public Ciphertext Counts { get; }

    /// <summary>Each group's row count, under the aggregator's count key; null in a contribution the aggregator reassembled (it never sees this part).</summary>
    public Ciphertext? CountsForAggregatorKey { get; }

    /// <summary>
    /// Encrypts a provider's totals: <paramref name="counts"/>[g] rows in group g, with <paramref name="offsetSums"/>[g] = Σ (v − low)
    /// over them, for <paramref name="providers"/> providers and values in [<paramref name="low"/>, <paramref name="high"/>].
    /// </summary>
    /// <exception cref="ArgumentException">Keys for other parameters, group lists of different or too great length, or a total out of range.</exception>
    public static HeAggregateContribution Create(PublicKey requesterKey, PublicKey aggregatorKey, int providers, long low, long high, IReadOnlyList<long> counts, IReadOnlyList<UInt128> offsetSums)
    {
        ArgumentNullException.ThrowIfNull(requesterKey);
        ArgumentNullException.ThrowIfNull(aggregatorKey);
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(offsetSums);
        HeAggregator.CheckKey(requesterKey, nameof(requesterKey));
        HeAggregator.CheckKey(aggregatorKey, nameof(aggregatorKey));
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
        var requester = new Encryptor(requesterKey);
        var countPlain = encoder.Encode(countSlots);
        return new HeAggregateContribution(
            [.. limbs.Select(l => requester.Encrypt(encoder.Encode(l)))],
            requester.Encrypt(countPlain),
            new Encryptor(aggregatorKey).Encrypt(countPlain));
    }

    /// <summary>Reassembles, at the aggregator, the part of a contribution sealed to it, checking the ciphertexts' shapes.</summary>
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
