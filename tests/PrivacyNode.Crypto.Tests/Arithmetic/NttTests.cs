using PrivacyNode.Crypto.Arithmetic;

namespace PrivacyNode.Crypto.Tests.Arithmetic;

/// <summary>
/// The NTT against a schoolbook negacyclic product, round trips, lazy output ranges, and the prime
/// generator against SEAL's default 128-bit coefficient moduli.
/// </summary>
public sealed class NttTests
{
    private readonly Random _random = new(20261202);

    /// <summary>SEAL 4.x's default coefficient moduli for 128-bit security (util/globals.cpp), degree → primes.</summary>
    public static TheoryData<int, int[], ulong[]> SealDefaults => new()
    {
        { 4096, [36, 36, 37], [0xffffee001, 0xffffc4001, 0x1ffffe0001] },
        { 8192, [43, 43, 44, 44, 44], [0x7fffffd8001, 0x7fffffc8001, 0xfffffffc001, 0xffffff6c001, 0xfffffebc001] },
        {
            16384, [48, 48, 48, 49, 49, 49, 49, 49, 49],
            [0xfffffffd8001, 0xfffffffa0001, 0xfffffff00001, 0x1fffffff68001, 0x1fffffff50001, 0x1ffffffee8001, 0x1ffffffea0001, 0x1ffffffe88001, 0x1ffffffe48001]
        },
    };

    [Theory]
    [MemberData(nameof(SealDefaults))]
    public void Generate_ReproducesSealsDefaultModuli(int degree, int[] bits, ulong[] expected)
    {
        var generated = bits.GroupBy(b => b).SelectMany(g => NttPrimes.Generate(g.Key, g.Count(), degree)).ToArray();
        Assert.Equal(expected, generated);
    }

    [Fact]
    public void IsPrime_AgreesWithTrialDivisionAndKnownPrimes()
    {
        for (ulong n = 0; n < 2000; n++)
        {
            var trial = n >= 2 && Enumerable.Range(2, (int)Math.Sqrt(n) - 1).All(d => n % (ulong)d != 0);
            Assert.Equal(trial, NttPrimes.IsPrime(n));
        }

        Assert.True(NttPrimes.IsPrime((1UL << 61) - 1));
        Assert.False(NttPrimes.IsPrime(3215031751)); // a strong pseudoprime to bases 2, 3, 5 and 7
        Assert.False(NttPrimes.IsPrime(0xffffee001UL * 3));
    }

    [Theory]
    [InlineData(2, 17UL)]
    [InlineData(8, 17UL)]
    [InlineData(64, 0xffffee001UL)]
    [InlineData(1024, 0x1ffffe0001UL)]
    [InlineData(4096, 0x1ffffffe48001UL)]
    [InlineData(1024, 0x1fffffffffffd801UL)] // just below 2^61: lazy values reach 2^63, where Shoup's estimate is often one short
    public void Product_OfTransforms_IsTheNegacyclicProduct(int degree, ulong q)
    {
        var modulus = new Modulus(q);
        var tables = new NttTables(degree, modulus);
        var a = RandomPolynomial(degree, q);
        var b = RandomPolynomial(degree, q);
        var expected = degree <= 1024 ? Schoolbook(a, b, modulus) : null;

        var fa = (ulong[])a.Clone();
        var fb = (ulong[])b.Clone();
        Ntt.Forward(fa, tables);
        Ntt.Forward(fb, tables);
        var product = fa.Zip(fb, modulus.Multiply).ToArray();
        Ntt.Inverse(product, tables);

        if (expected is not null)
        {
            Assert.Equal(expected, product);
        }

        // Round trips, and the lazy ranges the contracts state.
        var lazy = (ulong[])a.Clone();
        Ntt.ForwardLazy(lazy, tables);
        Assert.All(lazy, v => Assert.InRange(v, 0UL, (4 * q) - 1));
        Assert.Equal(fa, lazy.Select(v => v % q));
        Ntt.Inverse(fa, tables);
        Assert.Equal(a, fa);
        var lazyBack = (ulong[])lazy.Select(v => v % (2 * q)).ToArray();
        Ntt.InverseLazy(lazyBack, tables);
        Assert.All(lazyBack, v => Assert.InRange(v, 0UL, (2 * q) - 1));
        Assert.Equal(a, lazyBack.Select(v => v % q));
    }

    [Theory]
    [InlineData(16, 0xffffee001UL)]
    [InlineData(4096, 0x1ffffe0001UL)]
    [InlineData(1024, 0x1fffffffffffd801UL)]
    public void VectorStages_GiveTheScalarOutputsExactly(int degree, ulong q)
    {
        // On a machine without AVX-512 both runs are scalar and the test shows nothing (the vector code cannot run there).
        var tables = new NttTables(degree, new Modulus(q));
        var input = RandomPolynomial(degree, q).Select((v, i) => i % 3 == 0 ? v + (2 * q) : v).ToArray(); // lazy inputs up to 3q
        var scalar = (ulong[])input.Clone();
        var vector = (ulong[])input.Clone();
        Ntt.ForwardLazy(scalar, tables, vectors: false);
        Ntt.ForwardLazy(vector, tables, vectors: NttVector.IsSupported);
        Assert.Equal(scalar, vector);

        var back = scalar.Select(v => v % (2 * q)).ToArray();
        var backVector = (ulong[])back.Clone();
        Ntt.InverseLazy(back, tables, vectors: false);
        Ntt.InverseLazy(backVector, tables, vectors: NttVector.IsSupported);
        Assert.Equal(back, backVector);
    }

    [Fact]
    public void Transform_OfXIsTheOddPowersOfTheRoot()
    {
        // NTT(x) evaluates x at ψ^(2·bitrev(i)+1): the transform really is evaluation at the primitive 2n-th roots.
        var modulus = new Modulus(0xffffee001);
        var tables = new NttTables(16, modulus);
        var x = new ulong[16];
        x[1] = 1;
        Ntt.Forward(x, tables);
        var expected = Enumerable.Range(0, 16).Select(i => modulus.PowVar(tables.Root, (ulong)((2 * NttTables.BitReverse(i, 4)) + 1))).ToArray();
        Assert.Equal(expected, x);
        Assert.Equal(modulus.Value - 1, modulus.PowVar(tables.Root, 16));
    }

    [Fact]
    public void Tables_RefuseUnsuitableDegreesAndModuli()
    {
        Assert.Throws<ArgumentException>(() => new NttTables(12, new Modulus(0xffffee001)));
        Assert.Throws<ArgumentException>(() => new NttTables(4096, new Modulus(1000003)));        // prime, but 1000002 is not a multiple of 8192
        Assert.Throws<ArgumentException>(() => new NttTables(16, new Modulus(0xffffee001UL * 3)));  // not prime
        Assert.Throws<ArgumentException>(() => Ntt.Forward(new ulong[8], new NttTables(16, new Modulus(0xffffee001))));
    }

    private ulong[] RandomPolynomial(int degree, ulong q) =>
        [.. Enumerable.Range(0, degree).Select(i => i == 0 ? q - 1 : (ulong)_random.NextInt64() % q)];

    private static ulong[] Schoolbook(ulong[] a, ulong[] b, Modulus modulus)
    {
        var n = a.Length;
        var c = new ulong[n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var product = modulus.Multiply(a[i], b[j]);
                var k = i + j;
                c[k % n] = k < n ? modulus.Add(c[k], product) : modulus.Subtract(c[k - n], product);
            }
        }

        return c;
    }
}
