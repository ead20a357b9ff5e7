using PrivacyNode.Crypto.Arithmetic;

namespace PrivacyNode.Crypto.Tests.Arithmetic;

/// <summary>Modular arithmetic against a UInt128 model, at the edges of each range and on random inputs.</summary>
public sealed class ModulusTests
{
    public static TheoryData<ulong> Moduli => new() { 2, 3, 17, 256, 65537, 0xffffee001, 0x1ffffe0001, 0x1ffffffe48001, (1UL << 61) - 1 };

    private readonly Random _random = new(20261202);

    [Theory]
    [MemberData(nameof(Moduli))]
    public void Operations_MatchTheModel(ulong q)
    {
        var modulus = new Modulus(q);
        foreach (var (a, b) in Pairs(q))
        {
            Assert.Equal((ulong)((UInt128)a * b % q), modulus.Multiply(a, b));
            Assert.Equal((a + b) % q, modulus.Add(a, b));
            Assert.Equal((a + q - b) % q, modulus.Subtract(a, b));
            Assert.Equal((q - a) % q, modulus.Negate(a));
            var shoup = modulus.ShoupOf(b);
            Assert.Equal((ulong)((UInt128)a * b % q), modulus.MultiplyShoup(a, b, shoup));
            Assert.InRange(Modulus.MultiplyShoupLazy(a, b, shoup, q), 0UL, (2 * q) - 1);
        }

        // Reduce takes any 64- or 128-bit value.
        foreach (var x in new ulong[] { 0, q - 1, q, q + 1, ulong.MaxValue, NextWord() })
        {
            Assert.Equal(x % q, modulus.Reduce(x));
            foreach (var high in new ulong[] { 0, 1, q - 1, ulong.MaxValue, NextWord() })
            {
                Assert.Equal((ulong)((((UInt128)high << 64) | x) % q), modulus.Reduce(high, x));
            }
        }
    }

    [Fact]
    public void PowAndInverse_MatchTheModel()
    {
        var modulus = new Modulus(0x1ffffe0001);
        for (var i = 0; i < 50; i++)
        {
            var a = NextWord() % (modulus.Value - 1) + 1;
            Assert.Equal(1UL, modulus.Multiply(a, modulus.InverseVar(a)));
            Assert.Equal(1UL, modulus.PowVar(a, modulus.Value - 1));
        }

        Assert.Throws<ArgumentException>(() => modulus.InverseVar(0));
        Assert.Throws<ArgumentException>(() => modulus.InverseVar(modulus.Value));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(1UL << 61)]
    [InlineData(ulong.MaxValue)]
    public void Constructor_RefusesUnsupportedValues(ulong q) => Assert.Throws<ArgumentOutOfRangeException>(() => new Modulus(q));

    private IEnumerable<(ulong A, ulong B)> Pairs(ulong q)
    {
        ulong[] edges = [0, 1, 2, q / 2, q - 2, q - 1];
        foreach (var a in edges)
        {
            foreach (var b in edges)
            {
                yield return (a % q, b % q);
            }
        }

        for (var i = 0; i < 500; i++)
        {
            yield return (NextWord() % q, NextWord() % q);
        }
    }

    private ulong NextWord() => (ulong)_random.NextInt64() ^ ((ulong)_random.Next() << 63);
}
