using PrivacyNode.Crypto.Bfv;
using PrivacyNode.Crypto.Rlwe;

namespace PrivacyNode.Crypto.Aggregate;

/// <summary>
/// The aggregating provider of he-aggregate (docs/protocols/he-aggregate.md): it holds the count key, adds up the
/// contributions under the requester's key, and pads every group whose total count is below the minimum with a
/// uniform mask before it returns the totals, flooded. Dispose zeroes the count key. Not thread-safe.
/// </summary>
public sealed class HeAggregator : IDisposable
{
    private readonly SecretKey _countKey;
    private readonly int _groups;

    /// <summary>An aggregator of <paramref name="groups"/> groups, with a fresh count key.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No groups, or more than one ciphertext holds.</exception>
    public HeAggregator(int groups)
    {
        if (groups < 1 || groups > HeAggregateParameters.MaxGroups)
        {
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"1 to {HeAggregateParameters.MaxGroups} groups.");
        }

        _groups = groups;
        var generator = new KeyGenerator(HeAggregateParameters.Bfv);
        _countKey = generator.CreateSecretKey();
        CountKey = generator.CreatePublicKey(_countKey);
    }

    /// <summary>The count key, under which providers encrypt their counts a second time.</summary>
    public PublicKey CountKey { get; }

    /// <summary>
    /// Adds the contributions' sums and counts (under <paramref name="requesterKey"/>), reads the total counts from
    /// <paramref name="countTotal"/> (the requester's sum of every contribution's counts under the count key), and
    /// returns the totals with every group of 0 or fewer than <paramref name="minimumCount"/> rows padded by a uniform mask,
    /// each ciphertext flooded.
    /// </summary>
    /// <exception cref="ArgumentException">No contributions, or contributions of different plane counts or foreign ciphertexts.</exception>
    public HeAggregateResult Combine(PublicKey requesterKey, IReadOnlyList<HeAggregateContribution> contributions, Ciphertext countTotal, long minimumCount)
    {
        ArgumentNullException.ThrowIfNull(contributions);
        CheckKey(requesterKey, nameof(requesterKey));
        CheckShape(countTotal);
        if (contributions.Count == 0 || contributions.Any(c => c.SumPlanes.Count != contributions[0].SumPlanes.Count))
        {
            throw new ArgumentException("Combine takes one or more contributions with the same number of planes.", nameof(contributions));
        }

        var parameters = HeAggregateParameters.Bfv;
        var evaluator = new Evaluator(parameters);
        var encoder = new BatchEncoder(parameters);
        var totals = encoder.Decode(new Decryptor(_countKey).Decrypt(countTotal));
        var suppressed = Enumerable.Range(0, _groups).Where(g => totals[g] == 0 || (long)totals[g] < minimumCount).ToList();

        // Suppressed slots get a fresh uniform mask (a one-time pad in Z_t); the others are left alone. Only additions of
        // fresh encryptions are involved, and the flooded mask encryption also drowns their value-dependent rounding.
        var flooding = new Encryptor(requesterKey);
        Ciphertext Finish(Func<HeAggregateContribution, Ciphertext> part)
        {
            var sum = contributions.Skip(1).Aggregate(part(contributions[0]), (acc, c) => evaluator.Add(acc, part(c)));
            var random = new ulong[suppressed.Count];
            SecretSampler.Uniform(random, parameters.PlainModulus);
            var pad = new ulong[parameters.Degree];
            for (var i = 0; i < suppressed.Count; i++)
            {
                pad[suppressed[i]] = random[i];
            }

            return evaluator.Add(sum, flooding.Encrypt(encoder.Encode(pad), HeAggregateParameters.FloodingBits));
        }

        var planes = Enumerable.Range(0, contributions[0].SumPlanes.Count).Select(p => Finish(c => c.SumPlanes[p])).ToList();
        return new HeAggregateResult(planes, Finish(c => c.Counts), suppressed);
    }

    /// <inheritdoc/>
    public void Dispose() => _countKey.Dispose();

    internal static void CheckKey(PublicKey key, string name)
    {
        ArgumentNullException.ThrowIfNull(key, name);
        if (!key.Parameters.Id.Span.SequenceEqual(HeAggregateParameters.Bfv.Id.Span))
        {
            throw new ArgumentException("The key is not for the he-aggregate parameters.", name);
        }
    }

    internal static void CheckShape(Ciphertext ciphertext)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        if (!HeAggregateParameters.IsJobCiphertext(ciphertext))
        {
            throw new ArgumentException("An he-aggregate ciphertext is for the he-aggregate parameters, of size 2, at the top level.", nameof(ciphertext));
        }
    }
}
