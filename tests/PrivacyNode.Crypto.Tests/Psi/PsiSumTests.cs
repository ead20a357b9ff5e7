using PrivacyNode.Crypto.Bfv;
using PrivacyNode.Crypto.Psi;

namespace PrivacyNode.Crypto.Tests.Psi;

/// <summary>
/// psi-sum's encrypted values (docs/protocols/psi-sum.md) in memory: sums and counts against a plaintext model, the
/// noise margin that flooding relies on, the provider's masked view, and malformed or repeated messages.
/// </summary>
public sealed class PsiSumTests
{
    private readonly Random _random = new(20261204);

    [Theory]
    [InlineData(20_000, -5_000L, 1_000_000_000L, 1)]
    [InlineData(9_000, long.MinValue / 4, long.MaxValue / 4, 2)]
    public void SumAndCount_MatchThePlaintextModel(int entries, long low, long high, int planes)
    {
        var values = Enumerable.Range(0, entries).Select(i => i < 2 ? (i == 0 ? low : high) : _random.NextInt64(low, high)).ToArray();
        var matched = values.Select((_, i) => i < 2 || _random.Next(10) < 3).ToArray();
        using var provider = new PsiSumProvider(entries, low, high);
        var requester = new PsiSumRequester(provider.PublicKey, entries, low, high);
        Assert.Equal(planes, provider.Planes);
        Assert.Equal(provider.Planes, requester.Planes);

        for (var start = 0; start < entries; start += PsiSumParameters.BlockSize)
        {
            var length = Math.Min(PsiSumParameters.BlockSize, entries - start);
            requester.AddBlock(matched.AsSpan(start, length), provider.EncryptBlock(values.AsSpan(start, length)));
        }

        var answer = provider.Answer(requester.CreateRequest(provider.EncryptOnes()), minimumCount: 3);
        var expectedCount = matched.Count(m => m);
        Assert.Equal(expectedCount, answer.Count);
        Assert.Equal(expectedCount, requester.Count);
        Assert.Equal(values.Where((_, i) => matched[i]).Aggregate(Int128.Zero, (sum, v) => sum + v), requester.Sum(answer.Count, answer.PlaneConstants!));
    }

    [Fact]
    public void BelowTheMinimum_TheProviderDecryptsOnlyTheCount()
    {
        using var provider = new PsiSumProvider(100, 0, 1000);
        var requester = new PsiSumRequester(provider.PublicKey, 100, 0, 1000);
        var matched = new bool[100];
        matched[7] = matched[42] = true;
        requester.AddBlock(matched, provider.EncryptBlock(Enumerable.Range(0, 100).Select(i => (long)i).ToArray()));

        var answer = provider.Answer(requester.CreateRequest(provider.EncryptOnes()), minimumCount: 3);
        Assert.Equal(2, answer.Count);
        Assert.Null(answer.PlaneConstants);
    }

    [Fact]
    public void NoiseBeforeFlooding_LeavesTheStatisticalMargin()
    {
        // Worst case per block: every entry selected, every limb at its largest. The budget falls by at most one bit
        // per doubling of the blocks, so at 16 blocks it must leave 44 + 7 bits for the 2^11 blocks of m = 2^24:
        // F / ‖e‖ ≥ 2^(budget − 4) ≥ 2^40 (docs/protocols/psi-sum.md).
        const int blocks = 16;
        var entries = blocks * PsiSumParameters.BlockSize;
        var high = (1L << PsiSumParameters.LimbBits(entries)) - 1;
        using var provider = new PsiSumProvider(entries, 0, high);
        var requester = new PsiSumRequester(provider.PublicKey, entries, 0, high);
        var all = Enumerable.Repeat(true, PsiSumParameters.BlockSize).ToArray();
        var block = Enumerable.Repeat(high, PsiSumParameters.BlockSize).ToArray();
        for (var k = 0; k < blocks; k++)
        {
            requester.AddBlock(all, provider.EncryptBlock(block));
        }

        var budget = new Decryptor(provider.SecretKey).InvariantNoiseBudget(requester.PlaneSum(0)!);
        Assert.True(budget >= 44 + 7, $"{budget} bits left before flooding");
        var answer = provider.Answer(requester.CreateRequest(provider.EncryptOnes()), minimumCount: 0);
        Assert.Equal((Int128)high * entries, requester.Sum(answer.Count, answer.PlaneConstants!));
    }

    [Fact]
    public void TheProvidersDecryption_IsMaskedInEveryCoefficientButTheCount()
    {
        using var provider = new PsiSumProvider(50, 0, 100);
        var requester = new PsiSumRequester(provider.PublicKey, 50, 0, 100);
        var matched = Enumerable.Range(0, 50).Select(i => i % 5 == 0).ToArray();
        requester.AddBlock(matched, provider.EncryptBlock(Enumerable.Repeat(9L, 50).ToArray()));
        var request = requester.CreateRequest(provider.EncryptOnes());

        var decryptor = new Decryptor(provider.SecretKey);
        var plane = decryptor.Decrypt(request[0]).Coefficients;
        var count = decryptor.Decrypt(request[1]).Coefficients;
        Assert.NotEqual(90UL, plane[0]); // the limb sum 10·9 is masked
        Assert.Equal(10UL, count[0]);
        // Without the masks, the products' other coefficients would be small multiples of 9; masked, they spread over Z_t.
        var t = PsiSumParameters.Bfv.PlainModulus.Value;
        Assert.True(plane.Skip(1).Count(c => c > t / 4 && c < t - (t / 4)) > 3500);
        Assert.True(count.Skip(1).Count(c => c > t / 4 && c < t - (t / 4)) > 3500);
    }

    [Fact]
    public void MalformedOrRepeatedMessages_AreRefused()
    {
        using var provider = new PsiSumProvider(10, 0, 10);
        var requester = new PsiSumRequester(provider.PublicKey, 10, 0, 10);
        var foreign = new Encryptor(new KeyGenerator(BfvParameterSets.Sec128LogN13LogQ218).CreatePublicKey(
            new KeyGenerator(BfvParameterSets.Sec128LogN13LogQ218).CreateSecretKey())).Encrypt(new Plaintext(BfvParameterSets.Sec128LogN13LogQ218));
        var block = provider.EncryptBlock(new long[10]);

        Assert.Throws<ArgumentException>(() => provider.EncryptBlock([11]));
        Assert.Throws<ArgumentException>(() => provider.EncryptBlock([]));
        Assert.Throws<PsiProtocolException>(() => requester.AddBlock(new bool[10], [foreign]));
        Assert.Throws<PsiProtocolException>(() => requester.AddBlock(new bool[10], [.. block, .. block]));
        Assert.Throws<PsiProtocolException>(() => requester.AddBlock(new bool[PsiSumParameters.BlockSize + 1], block));
        Assert.Throws<PsiProtocolException>(() => requester.AddBlock(new bool[11], block)); // more entries than the 10 announced
        Assert.Throws<PsiProtocolException>(() => new PsiSumRequester(provider.PublicKey, 10, 0, 10).CreateRequest(provider.EncryptOnes())); // none of them
        Assert.Throws<ArgumentException>(() => new PsiSumRequester(foreignKey(), 10, 0, 10));

        requester.AddBlock(Enumerable.Repeat(true, 10).ToArray(), block);
        var request = requester.CreateRequest(provider.EncryptOnes());
        Assert.Throws<PsiProtocolException>(() => provider.Answer([request[0]], 0));
        Assert.Throws<PsiProtocolException>(() => provider.Answer(request, 0)); // one request per job, even after a bad one
        Assert.Throws<PsiProtocolException>(() => requester.Sum(requester.Count, [PsiSumParameters.Bfv.PlainModulus.Value]));
        Assert.Throws<PsiProtocolException>(() => requester.Sum(requester.Count + 1, [0]));

        static PublicKey foreignKey()
        {
            var generator = new KeyGenerator(BfvParameterSets.Sec128LogN13LogQ218);
            return generator.CreatePublicKey(generator.CreateSecretKey());
        }
    }

    [Fact]
    public void LimbPlanes_CoverTheRangeWithoutReachingT()
    {
        var t = PsiSumParameters.Bfv.PlainModulus.Value;
        foreach (var m in new long[] { 1, 1000, 1 << 20, 1 << 24 })
        {
            var bits = PsiSumParameters.LimbBits(m);
            Assert.True((UInt128)(ulong)m * ((1UL << bits) - 1) < t);
            Assert.True((UInt128)(ulong)m * ((1UL << (bits + 1)) - 1) >= t);
        }

        Assert.Equal(30, PsiSumParameters.LimbBits(1 << 20));
        Assert.Equal(1, PsiSumParameters.Planes(5, 5, 27));
        Assert.Equal(3, PsiSumParameters.Planes(long.MinValue, long.MaxValue, 27));
        Assert.Throws<ArgumentException>(() => PsiSumParameters.Planes(5, 4, 27));
        Assert.Throws<ArgumentOutOfRangeException>(() => PsiSumParameters.LimbBits(0));
    }

    [Fact]
    public void FloodedEncryption_DecryptsAndSpendsTheBudgetItFloods()
    {
        var parameters = PsiSumParameters.Bfv;
        var generator = new KeyGenerator(parameters);
        using var secretKey = generator.CreateSecretKey();
        var encryptor = new Encryptor(generator.CreatePublicKey(secretKey));
        var decryptor = new Decryptor(secretKey);
        var plaintext = new Plaintext(parameters);
        plaintext.Coefficients[0] = 123_456_789;
        plaintext.Coefficients[^1] = parameters.PlainModulus.Value - 1;

        var fresh = decryptor.InvariantNoiseBudget(encryptor.Encrypt(plaintext));
        var flooded = encryptor.Encrypt(plaintext, PsiSumParameters.FloodingBits);
        Assert.Equal(plaintext.Coefficients, decryptor.Decrypt(flooded).Coefficients);
        var left = decryptor.InvariantNoiseBudget(flooded);
        Assert.InRange(left, 1, 4); // Δ/2^4 of flooding leaves about 3 bits, whatever the fresh budget was
        Assert.True(fresh > 60);
        Assert.Throws<ArgumentOutOfRangeException>(() => encryptor.Encrypt(plaintext, PsiSumParameters.FloodingBits + 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => encryptor.Encrypt(plaintext, 0));
    }
}
