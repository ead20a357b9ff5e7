using PrivacyNode.Crypto.Arithmetic;
using PrivacyNode.Crypto.Rlwe;

namespace PrivacyNode.Crypto.Tests.Rlwe;

/// <summary>
/// Samplers: uniform streams are reproducible from their seed and stay below q; secrets and errors have
/// the documented support and moments (bounds far beyond ten standard deviations, so the tests do not flake).
/// </summary>
public sealed class SamplerTests
{
    [Fact]
    public void Uniform_IsReproduciblePerSeedDomainAndPrime_AndBelowQ()
    {
        var modulus = new Modulus(0x1ffffe0001);
        var seed = UniformSampler.NewSeed();
        var first = new ulong[5000];
        var again = new ulong[5000];
        var otherDomain = new ulong[5000];
        using (var sampler = new UniformSampler(seed))
        {
            sampler.Fill(modulus, 1, 0, first);
            sampler.Fill(modulus, 2, 0, otherDomain);
            sampler.Fill(modulus, 1, 0, again);
        }

        Assert.Equal(first, again);
        Assert.NotEqual(first, otherDomain);
        Assert.All(first, v => Assert.InRange(v, 0UL, modulus.Value - 1));
        // Uniform over [0, q): the mean is q/2 within far less than 1 % for 5000 draws.
        var mean = first.Average(v => (double)v) / modulus.Value;
        Assert.InRange(mean, 0.45, 0.55);
        Assert.Throws<ArgumentException>(() => new UniformSampler(new byte[31]));
    }

    [Fact]
    public void Ternary_IsUniformOverMinusOneZeroOne()
    {
        var values = new sbyte[60000];
        SecretSampler.Ternary(values);

        Assert.All(values, v => Assert.InRange(v, (sbyte)-1, (sbyte)1));
        foreach (var v in new sbyte[] { -1, 0, 1 })
        {
            Assert.InRange(values.Count(x => x == v), 18000, 22000);
        }
    }

    [Fact]
    public void CenteredBinomial_HasItsBoundMeanAndVariance()
    {
        var values = new sbyte[60000];
        SecretSampler.CenteredBinomial(values);

        Assert.All(values, v => Assert.InRange(v, (sbyte)-SecretSampler.ErrorBound, (sbyte)SecretSampler.ErrorBound));
        var mean = values.Average(v => (double)v);
        var variance = values.Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, -0.2, 0.2);
        Assert.InRange(variance, 9.5, 11.5); // k/2 = 10.5: σ ≈ 3.24
    }
}
