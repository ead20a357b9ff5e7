using PrivacyNode.Crypto.Aggregate;
using PrivacyNode.Crypto.Bfv;
using PrivacyNode.Crypto.Multiparty;
using PrivacyNode.Crypto.Rlwe;

namespace PrivacyNode.Crypto.Tests.Multiparty;

/// <summary>
/// Threshold BFV (collective public key, public-key switching) at the he-aggregate parameters: what the parties encrypt
/// under the collective key decrypts, after every party's switch share, under the receiver's key, and not otherwise.
/// </summary>
public sealed class ThresholdTests
{
    private static readonly BfvParameters Parameters = HeAggregateParameters.Bfv;
    private readonly Random _random = new(20261202);

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void SumUnderTheCollectiveKey_SwitchedByEveryParty_DecryptsAtTheReceiver(int parties)
    {
        var members = Enumerable.Range(0, parties).Select(_ => new ThresholdParty(Parameters)).ToList();
        var seed = UniformSampler.NewSeed();
        var collective = ThresholdKey.CombinePublicKey([.. members.Select(m => m.CreatePublicKeyShare(seed))]);
        var receiver = new KeyGenerator(Parameters);
        using var receiverSecret = receiver.CreateSecretKey();
        var receiverKey = receiver.CreatePublicKey(receiverSecret);

        // Each party encrypts its own slots under the collective key; the sum is switched to the receiver.
        var t = Parameters.PlainModulus.Value;
        var inputs = members.Select(_ => Enumerable.Range(0, Parameters.Degree).Select(_ => (ulong)_random.NextInt64(0, 1L << 30)).ToArray()).ToList();
        var encoder = new BatchEncoder(Parameters);
        var evaluator = new Evaluator(Parameters);
        var sum = inputs.Select(v => new Encryptor(collective).Encrypt(encoder.Encode(v))).Aggregate(evaluator.Add);
        var flooding = ThresholdKey.FloodingBits(Parameters, parties);
        var switched = ThresholdKey.CombineKeySwitch(sum, [.. members.Select(m => m.CreateKeySwitchShare(sum, receiverKey, flooding))]);

        var expected = Enumerable.Range(0, Parameters.Degree).Select(j => inputs.Aggregate(0UL, (acc, v) => (acc + v[j]) % t)).ToArray();
        var decryptor = new Decryptor(receiverSecret);
        Assert.Equal(expected, encoder.Decode(decryptor.Decrypt(switched)));
        Assert.True(decryptor.InvariantNoiseBudget(switched) >= 2, "the flooded switch leaves room to decrypt");

        // One share short, or a single party's share as the key: noise.
        var partial = ThresholdKey.CombineKeySwitch(sum, [.. members.Skip(1).Select(m => m.CreateKeySwitchShare(sum, receiverKey, flooding))]);
        Assert.NotEqual(expected, encoder.Decode(decryptor.Decrypt(partial)));
        Assert.NotEqual(expected, encoder.Decode(new Decryptor(members[0].ShareForTests).Decrypt(sum)));
        members.ForEach(m => m.Dispose());
    }

    [Fact]
    public void FloodingOfEveryShare_StaysBelowTheDecryptionBound()
    {
        // k shares of at most 2^b each sum below Δ/16, with b as large as the flooding encryptor allows.
        foreach (var parties in new[] { 1, 2, 3, 64, 1000 })
        {
            var bits = ThresholdKey.FloodingBits(Parameters, parties);
            Assert.InRange(bits, 1, Math.Min(126, Parameters.DeltaBits - 3));
            Assert.True(Math.Log2(parties) + bits <= Parameters.DeltaBits - 4 + 1e-9, $"{parties} parties at {bits} bits");
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => ThresholdKey.FloodingBits(Parameters, 0));
    }

    [Fact]
    public void MismatchedShares_AreRefused()
    {
        using var first = new ThresholdParty(Parameters);
        using var second = new ThresholdParty(Parameters);
        Assert.Throws<ArgumentException>(() => ThresholdKey.CombinePublicKey([first.CreatePublicKeyShare(UniformSampler.NewSeed()), second.CreatePublicKeyShare(UniformSampler.NewSeed())]));
        Assert.Throws<ArgumentException>(() => ThresholdKey.CombinePublicKey([]));
        Assert.Throws<ArgumentException>(() => first.CreatePublicKeyShare(new byte[31]));

        var seed = UniformSampler.NewSeed();
        var collective = ThresholdKey.CombinePublicKey([first.CreatePublicKeyShare(seed), second.CreatePublicKeyShare(seed)]);
        var ciphertext = new Encryptor(collective).Encrypt(new Plaintext(Parameters));
        var foreign = new KeyGenerator(BfvParameterSets.Sec128LogN13LogQ218);
        var foreignKey = foreign.CreatePublicKey(foreign.CreateSecretKey());
        Assert.Throws<ArgumentException>(() => first.CreateKeySwitchShare(ciphertext, foreignKey, 10));
        Assert.Throws<ArgumentException>(() => ThresholdKey.CombineKeySwitch(ciphertext, []));
        var share = first.CreateKeySwitchShare(ciphertext, collective, 10);
        Assert.Throws<ArgumentException>(() => ThresholdKey.CombineKeySwitch(ciphertext, [new Evaluator(Parameters).ModSwitchToNext(share)]));
    }
}
