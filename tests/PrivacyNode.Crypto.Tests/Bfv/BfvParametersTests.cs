using PrivacyNode.Crypto.Bfv;

namespace PrivacyNode.Crypto.Tests.Bfv;

/// <summary>Parameter validation: the named sets, the HE-standard bound, and every refusal naming its reason.</summary>
public sealed class BfvParametersTests
{
    public static TheoryData<string> NamedSets => new() { nameof(BfvParameterSets.Sec128LogN12LogQ109), nameof(BfvParameterSets.Sec128LogN13LogQ218), nameof(BfvParameterSets.Sec128LogN14LogQ438) };

    [Theory]
    [MemberData(nameof(NamedSets))]
    public void NamedSet_HasSealsModuliAndABatchingPlainModulus(string name)
    {
        var parameters = (BfvParameters)typeof(BfvParameterSets).GetProperty(name)!.GetValue(null)!;
        var (degree, bits) = name switch
        {
            nameof(BfvParameterSets.Sec128LogN12LogQ109) => (4096, 109),
            nameof(BfvParameterSets.Sec128LogN13LogQ218) => (8192, 218),
            _ => (16384, 438),
        };

        Assert.Equal(degree, parameters.Degree);
        Assert.Equal(bits, parameters.TotalCoefficientModulusBits);
        Assert.True(parameters.SupportsBatching);
        Assert.Equal(20, parameters.PlainModulus.BitCount);
        Assert.Equal(0UL, (parameters.PlainModulus.Value - 1) % (2UL * (ulong)degree));
        Assert.Equal(BfvSecurity.Classical128, parameters.Security);
        Assert.Equal(16, parameters.Id.Length);
    }

    [Fact]
    public void Ids_DifferBetweenSets()
    {
        var ids = new[] { BfvParameterSets.Sec128LogN12LogQ109, BfvParameterSets.Sec128LogN13LogQ218, BfvParameterSets.Sec128LogN14LogQ438 }
            .Select(p => Convert.ToHexString(p.Id.Span)).ToList();
        Assert.Equal(3, ids.Distinct().Count());
        var again = BfvParameters.Create(new BfvParametersLiteral { Degree = 4096, CoefficientModulusBits = [36, 36, 37], PlainModulus = BfvParameters.BatchingPlainModulus(4096, 20) });
        Assert.Equal(ids[0], Convert.ToHexString(again.Id.Span));
    }

    [Theory]
    [InlineData(4096, new[] { 60, 60 }, "above the 109 bits")]
    [InlineData(1000, new[] { 30, 30 }, "power of two")]
    [InlineData(512, new[] { 20, 20 }, "power of two from 1024")]
    [InlineData(4096, new[] { 40 }, "at least two primes")]
    [InlineData(4096, new[] { 61, 40 }, "10 to 60 bits")]
    public void Create_RefusesBadShapes(int degree, int[] bits, string reason)
    {
        var ex = Assert.Throws<ArgumentException>(() => BfvParameters.Create(new BfvParametersLiteral { Degree = degree, CoefficientModulusBits = bits, PlainModulus = 65537 }));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_RefusesBadModuli()
    {
        ulong[] primes = [0xffffee001, 0xffffc4001];
        Assert.Contains("distinct", Refusal(new() { Degree = 4096, CoefficientModulus = [primes[0], primes[0]], PlainModulus = 65537 }), StringComparison.Ordinal);
        Assert.Contains("not a prime congruent", Refusal(new() { Degree = 4096, CoefficientModulus = [primes[0], 1000003], PlainModulus = 257 }), StringComparison.Ordinal);
        Assert.Contains("below every data prime", Refusal(new() { Degree = 4096, CoefficientModulus = primes, PlainModulus = primes[0] + 2 }), StringComparison.Ordinal);
        Assert.Contains("multiple of the special prime", Refusal(new() { Degree = 4096, CoefficientModulus = primes, PlainModulus = primes[1] }), StringComparison.Ordinal);
        Assert.Contains("at least 2", Refusal(new() { Degree = 4096, CoefficientModulus = primes, PlainModulus = 1 }), StringComparison.Ordinal);
        Assert.Contains("not both", Refusal(new() { Degree = 4096, CoefficientModulus = primes, CoefficientModulusBits = [36, 36], PlainModulus = 65537 }), StringComparison.Ordinal);
        Assert.Contains("missing", Refusal(new() { Degree = 4096, PlainModulus = 65537 }), StringComparison.Ordinal);
    }

    [Fact]
    public void InsecureSets_AreAllowedOnlyWhenSaidSo()
    {
        var literal = new BfvParametersLiteral { Degree = 16, CoefficientModulusBits = [30, 30], PlainModulus = 97, Security = BfvSecurity.None };
        var parameters = BfvParameters.Create(literal);
        Assert.Equal(BfvSecurity.None, parameters.Security);
        Assert.True(parameters.SupportsBatching); // 97 = 1 + 3·32
        Assert.Contains("power of two from 1024", Refusal(literal with { Security = BfvSecurity.Classical128 }), StringComparison.Ordinal);
    }

    private static string Refusal(BfvParametersLiteral literal) => Assert.Throws<ArgumentException>(() => BfvParameters.Create(literal)).Message;
}
