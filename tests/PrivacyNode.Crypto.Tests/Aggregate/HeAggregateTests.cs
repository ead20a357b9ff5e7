using PrivacyNode.Crypto.Aggregate;
using PrivacyNode.Crypto.Bfv;

namespace PrivacyNode.Crypto.Tests.Aggregate;

/// <summary>
/// he-aggregate's encrypted steps (docs/protocols/he-aggregate.md) in memory: per-group totals across providers
/// against a plaintext model, small-cell suppression, what the aggregator and requester see, and bad input.
/// </summary>
public sealed class HeAggregateTests
{
    private readonly Random _random = new(20261205);

    [Fact]
    public void Totals_MatchThePlaintextModel_AndSmallGroupsAreSuppressed()
    {
        const int groups = 1000;
        const int providers = 3;
        const long low = -1_000;
        const long high = 1_000_000_000_000;
        using var requester = new HeAggregateRequester(groups, providers, low, high);
        using var aggregator = new HeAggregator(groups);

        // Rows per provider: group g gets g % 7 rows at each provider (so groups with 0 or 3 rows in all are suppressed).
        var rows = Enumerable.Range(0, providers).Select(_ => Enumerable.Range(0, groups).SelectMany(g => Enumerable.Range(0, (g % 7 == 1 ? 1 : g % 7)).Select(_ => (Group: g, Value: _random.NextInt64(low, high)))).ToList()).ToList();
        rows[0].Add((Group: 0, Value: high)); // group 0: only this row in all, suppressed
        var contributions = rows.Select(r => Contribute(requester, aggregator, providers, low, high, groups, r)).ToList();

        var countTotal = HeAggregateRequester.SumCounts([.. contributions.Select(c => c.CountsForAggregatorKey!)]);
        var result = aggregator.Combine(requester.PublicKey, contributions, countTotal, minimumCount: 5);
        var totals = requester.Decrypt(result, rows.Sum(r => r.Count));

        var all = rows.SelectMany(r => r).ToList();
        for (var g = 0; g < groups; g++)
        {
            var members = all.Where(r => r.Group == g).ToList();
            if (members.Count < 5)
            {
                Assert.Contains(g, result.Suppressed);
                Assert.Null(totals[g]);
            }
            else
            {
                Assert.Equal((members.Count, members.Aggregate(Int128.Zero, (s, r) => s + r.Value)), totals[g]!.Value);
            }
        }

        Assert.Equal(Enumerable.Range(0, groups).Where(g => all.Count(r => r.Group == g) < 5), result.Suppressed);
    }

    [Fact]
    public void ThresholdJob_TotalsMatchThePlaintextModel_AndNoOneKeyOpensAContribution()
    {
        const int groups = 50;
        const int providers = 3;
        const long low = 0;
        const long high = 1_000_000;
        using var requester = new HeAggregateRequester(groups, providers, low, high);
        using var aggregator = new HeAggregator(groups);
        var parties = Enumerable.Range(0, providers).Select(_ => new PrivacyNode.Crypto.Multiparty.ThresholdParty(HeAggregateParameters.Bfv)).ToList();
        var seed = PrivacyNode.Crypto.Rlwe.UniformSampler.NewSeed();
        var collective = PrivacyNode.Crypto.Multiparty.ThresholdKey.CombinePublicKey([.. parties.Select(p => p.CreatePublicKeyShare(seed))]);
        var flooding = PrivacyNode.Crypto.Multiparty.ThresholdKey.FloodingBits(HeAggregateParameters.Bfv, providers);
        Ciphertext Switch(Ciphertext ciphertext, PublicKey target) =>
            PrivacyNode.Crypto.Multiparty.ThresholdKey.CombineKeySwitch(ciphertext, [.. parties.Select(p => p.CreateKeySwitchShare(ciphertext, target, flooding))]);

        // Group g has g % 4 rows at each provider: groups with fewer than 6 rows in all are suppressed.
        var rows = Enumerable.Range(0, providers).Select(_ => Enumerable.Range(0, groups).SelectMany(g => Enumerable.Range(0, g % 4).Select(_ => (Group: g, Value: _random.NextInt64(low, high)))).ToList()).ToList();
        var contributions = rows.Select(r => Contribute(collective, null, providers, low, high, groups, r)).ToList();
        Assert.All(contributions, c => Assert.Null(c.CountsForAggregatorKey));

        var totals = HeAggregator.Sum(contributions);
        var suppressed = aggregator.Suppress(Switch(totals.Counts, aggregator.CountKey), minimumCount: 6);
        var padded = HeAggregator.Pad(totals, HeAggregator.Pads(collective, suppressed, totals.SumPlanes.Count + 1), suppressed);
        var result = new HeAggregateResult([.. padded.SumPlanes.Select(p => Switch(p, requester.PublicKey))], Switch(padded.Counts, requester.PublicKey), padded.Suppressed);
        var decrypted = requester.Decrypt(result, rows.Sum(r => r.Count));

        var all = rows.SelectMany(r => r).ToList();
        for (var g = 0; g < groups; g++)
        {
            var members = all.Where(r => r.Group == g).ToList();
            Assert.Equal(members.Count < 6 ? null : (members.Count, members.Aggregate(Int128.Zero, (sum, r) => sum + r.Value)), decrypted[g]);
        }

        // Neither the requester's key nor any one party's share opens a contribution under the collective key.
        var encoder = new BatchEncoder(HeAggregateParameters.Bfv);
        var ownCounts = Enumerable.Range(0, groups).Select(g => (ulong)(g % 4)).ToArray();
        Assert.NotEqual(ownCounts, encoder.Decode(new Decryptor(requester.SecretKeyForTests).Decrypt(contributions[0].Counts)).Take(groups));
        Assert.All(parties, p => Assert.NotEqual(ownCounts, encoder.Decode(new Decryptor(p.ShareForTests).Decrypt(contributions[0].Counts)).Take(groups)));
        parties.ForEach(p => p.Dispose());
    }

    [Fact]
    public void SuppressedSlots_ArePaddedUniformly_ForTheKeyHolder()
    {
        using var requester = new HeAggregateRequester(100, 2, 0, 100);
        using var aggregator = new HeAggregator(100);
        var rows = Enumerable.Range(0, 100).Select(g => (Group: g, Value: 7L)).ToList();
        var contributions = new[] { Contribute(requester, aggregator, 2, 0, 100, 100, rows), Contribute(requester, aggregator, 2, 0, 100, 100, rows) };
        var result = aggregator.Combine(requester.PublicKey, contributions, HeAggregateRequester.SumCounts([.. contributions.Select(c => c.CountsForAggregatorKey!)]), minimumCount: 50);
        Assert.Equal(100, result.Suppressed.Count);

        // Every group had 2 rows summing to 14: the padded slots look nothing like that.
        var encoder = new BatchEncoder(HeAggregateParameters.Bfv);
        var t = HeAggregateParameters.Bfv.PlainModulus.Value;
        var counts = encoder.Decode(new Decryptor(requester.SecretKeyForTests).Decrypt(result.Counts));
        Assert.True(counts.Take(100).Count(c => c > t / 4 && c < t - (t / 4)) > 30);
        Assert.All(requester.Decrypt(result, 200), total => Assert.Null(total));
    }

    [Fact]
    public void BadInput_IsRefused()
    {
        using var requester = new HeAggregateRequester(10, 2, 0, 10);
        using var aggregator = new HeAggregator(10);
        var foreign = new KeyGenerator(BfvParameterSets.Sec128LogN13LogQ218);
        var foreignKey = foreign.CreatePublicKey(foreign.CreateSecretKey());
        long[] counts = [1, 0];
        UInt128[] sums = [5, 0];

        Assert.Throws<ArgumentException>(() => HeAggregateContribution.Create(foreignKey, aggregator.CountKey, 2, 0, 10, counts, sums));
        Assert.Throws<ArgumentException>(() => HeAggregateContribution.Create(requester.PublicKey, aggregator.CountKey, 2, 0, 10, counts, [11, 0])); // above 1 × 10
        Assert.Throws<ArgumentException>(() => HeAggregateContribution.Create(requester.PublicKey, aggregator.CountKey, 2, 0, 10, [1], sums));
        Assert.Throws<ArgumentException>(() => HeAggregateContribution.Create(requester.PublicKey, aggregator.CountKey, 2, 0, 10, [1L << 24, 0], sums));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HeAggregator(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => HeAggregateParameters.LimbBits(0));
        Assert.Throws<ArgumentException>(() => HeAggregateParameters.Planes(2, 1, 30));

        var good = HeAggregateContribution.Create(requester.PublicKey, aggregator.CountKey, 2, 0, 10, counts, sums);
        var morePlanes = HeAggregateContribution.From([good.SumPlanes[0], good.SumPlanes[0]], good.Counts);
        Assert.Throws<ArgumentException>(() => aggregator.Combine(requester.PublicKey, [good, morePlanes], good.CountsForAggregatorKey!, 1));
        Assert.Throws<ArgumentException>(() => aggregator.Combine(requester.PublicKey, [], good.CountsForAggregatorKey!, 1));
        var wrongSet = new Encryptor(foreignKey).Encrypt(new Plaintext(BfvParameterSets.Sec128LogN13LogQ218));
        Assert.Throws<ArgumentException>(() => HeAggregateContribution.From(good.SumPlanes, wrongSet));
        var result = aggregator.Combine(requester.PublicKey, [good], good.CountsForAggregatorKey!, 1);
        Assert.Equal((1L, (Int128)5), requester.Decrypt(result, 1)[0]);
        Assert.Throws<ArgumentException>(() => requester.Decrypt(result with { SumPlanes = [] }, 1));
        Assert.Throws<ArgumentException>(() => requester.Decrypt(result with { Suppressed = [10] }, 1));

        // Totals encrypted under another requester's key decrypt to noise, which no count of rows in the range can make.
        using var other = new HeAggregateRequester(10, 2, 0, 10);
        var misdirected = HeAggregateContribution.Create(other.PublicKey, aggregator.CountKey, 2, 0, 10, counts, sums);
        var wrongKey = aggregator.Combine(requester.PublicKey, [misdirected], misdirected.CountsForAggregatorKey!, 1);
        Assert.Throws<System.Security.Cryptography.CryptographicException>(() => requester.Decrypt(wrongKey, 1));
    }

    private static HeAggregateContribution Contribute(HeAggregateRequester requester, HeAggregator aggregator, int providers, long low, long high, int groups, IEnumerable<(int Group, long Value)> rows) =>
        Contribute(requester.PublicKey, aggregator.CountKey, providers, low, high, groups, rows);

    private static HeAggregateContribution Contribute(PublicKey key, PublicKey? countKey, int providers, long low, long high, int groups, IEnumerable<(int Group, long Value)> rows)
    {
        var counts = new long[groups];
        var sums = new UInt128[groups];
        foreach (var (group, value) in rows)
        {
            counts[group]++;
            sums[group] += (ulong)(value - low);
        }

        return HeAggregateContribution.Create(key, countKey, providers, low, high, counts, sums);
    }
}
