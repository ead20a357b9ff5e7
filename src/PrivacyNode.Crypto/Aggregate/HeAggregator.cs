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
    /// returns the totals with every group of 0 or fewer than <paramref name="minimumCount"/> rows, and <paramref name="alwaysSuppressed"/>,
    /// padded by a uniform mask, each ciphertext flooded.
    /// </summary>
    /// <exception cref="ArgumentException">No contributions, or contributions of different plane counts or foreign ciphertexts.</exception>
    public HeAggregateResult Combine(PublicKey requesterKey, IReadOnlyList<HeAggregateContribution> contributions, Ciphertext countTotal, long minimumCount, int? alwaysSuppressed = null)
    {
        var totals = Sum(contributions);
        var suppressed = Suppress(countTotal, minimumCount, alwaysSuppressed);
        return Pad(totals, Pads(requesterKey, suppressed, totals.SumPlanes.Count + 1), suppressed);
    }

    /// <summary>
    /// The groups to suppress, in order: those whose total count in <paramref name="countTotal"/> (under the count key)
    /// is 0 or below <paramref name="minimumCount"/>, and <paramref name="alwaysSuppressed"/>. Their totals must never reach the
    /// requester in the clear.
    /// </summary>
    /// <exception cref="ArgumentException">The ciphertext is foreign or not fresh-shaped.</exception>
    public IReadOnlyList<int> Suppress(Ciphertext countTotal, long minimumCount, int? alwaysSuppressed = null)
    {
        CheckShape(countTotal);
        var totals = new BatchEncoder(HeAggregateParameters.Bfv).Decode(new Decryptor(_countKey).Decrypt(countTotal));
        return [.. Enumerable.Range(0, _groups).Where(g => g == alwaysSuppressed || totals[g] == 0 || (long)totals[g] < minimumCount)];
    }

    /// <summary>
    /// <paramref name="count"/> fresh, flooded encryptions under <paramref name="key"/> of pads: uniform mod t in the
    /// <paramref name="suppressed"/> slots, 0 elsewhere. Added to the totals, one per ciphertext, they make the suppressed
    /// groups' totals one-time padded and drown the value-dependent rounding of the fresh encryptions summed.
    /// </summary>
    /// <exception cref="ArgumentException">The key is for other parameters, or a suppressed group is outside the slots.</exception>
    public static IReadOnlyList<Ciphertext> Pads(PublicKey key, IReadOnlyList<int> suppressed, int count)
    {
        CheckKey(key, nameof(key));
        ArgumentNullException.ThrowIfNull(suppressed);
        var parameters = HeAggregateParameters.Bfv;
        if (suppressed.Any(g => g < 0 || g >= parameters.Degree))
        {
            throw new ArgumentException("A suppressed group lies outside the slots.", nameof(suppressed));
        }

        var encoder = new BatchEncoder(parameters);
        var encryptor = new Encryptor(key);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var random = new ulong[suppressed.Count];
            SecretSampler.Uniform(random, parameters.PlainModulus);
            var pad = new ulong[parameters.Degree];
            for (var i = 0; i < suppressed.Count; i++)
            {
                pad[suppressed[i]] = random[i];
            }

            return encryptor.Encrypt(encoder.Encode(pad), HeAggregateParameters.FloodingBits);
        })];
    }

    /// <summary>The sum of the contributions' planes and counts, nothing suppressed yet.</summary>
    /// <exception cref="ArgumentException">No contributions, or contributions of different plane counts.</exception>
    public static HeAggregateResult Sum(IReadOnlyList<HeAggregateContribution> contributions)
    {
        ArgumentNullException.ThrowIfNull(contributions);
        if (contributions.Count == 0 || contributions.Any(c => c.SumPlanes.Count != contributions[0].SumPlanes.Count))
        {
            throw new ArgumentException("The sum takes one or more contributions with the same number of planes.", nameof(contributions));
        }

        var evaluator = new Evaluator(HeAggregateParameters.Bfv);
        Ciphertext Total(Func<HeAggregateContribution, Ciphertext> part) =>
            contributions.Skip(1).Aggregate(part(contributions[0]), (sum, c) => evaluator.Add(sum, part(c)));
        return new HeAggregateResult([.. Enumerable.Range(0, contributions[0].SumPlanes.Count).Select(p => Total(c => c.SumPlanes[p]))], Total(c => c.Counts), []);
    }

    /// <summary><paramref name="totals"/> with <paramref name="pads"/> added (one per plane, then the counts'), marked <paramref name="suppressed"/>.</summary>
    /// <exception cref="ArgumentException">Not one pad per ciphertext, or foreign ciphertexts.</exception>
    public static HeAggregateResult Pad(HeAggregateResult totals, IReadOnlyList<Ciphertext> pads, IReadOnlyList<int> suppressed)
    {
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(pads);
        if (pads.Count != totals.SumPlanes.Count + 1)
        {
            throw new ArgumentException($"One pad per plane and one for the counts: {totals.SumPlanes.Count + 1}, not {pads.Count}.", nameof(pads));
        }

        foreach (var ciphertext in pads)
        {
            CheckShape(ciphertext);
        }

        var evaluator = new Evaluator(HeAggregateParameters.Bfv);
        return new HeAggregateResult([.. totals.SumPlanes.Select((plane, p) => evaluator.Add(plane, pads[p]))], evaluator.Add(totals.Counts, pads[^1]), suppressed);
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
