using PrivacyNode.Crypto.Arithmetic;

namespace PrivacyNode.Crypto.Tests.Arithmetic;

/// <summary>
/// Row arithmetic against a UInt128 model, with the vector loops on and off (on a machine without AVX-512
/// both runs are scalar; CI machines have it). Rows of 43 values cover five vector blocks and a scalar tail;
/// the edges 0, 1, q − 1 are always among the inputs.
/// </summary>
public sealed class ModularRowsTests
{
    private const int Length = 43;
    private readonly Random _random = new(20261203);

    public static TheoryData<ulong> Moduli => ModulusTests.Moduli;

    [Theory]
    [MemberData(nameof(Moduli))]
    public void ElementWiseOperations_MatchTheModel(ulong q)
    {
        var modulus = new Modulus(q);
        var a = Residues(q);
        var b = Residues(q).Reverse().ToArray();
        var c = Residues(q);
        foreach (var vectors in new[] { false, true })
        {
            Check(a, x => ModularRows.Add(x, b, modulus, vectors), (i, x) => (x + b[i]) % q);
            Check(a, x => ModularRows.Subtract(x, b, modulus, vectors), (i, x) => (x + q - b[i]) % q);
            Check(a, x => ModularRows.Negate(x, modulus, vectors), (_, x) => (q - x) % q);
            Check(a, x => ModularRows.Multiply(x, b, modulus, vectors), (i, x) => (ulong)((UInt128)x * b[i] % q));
            Check(c, x => ModularRows.MultiplyAdd(x, a, b, modulus, vectors), (i, x) => (ulong)(((UInt128)a[i] * b[i] + x) % q));
        }
    }

    [Theory]
    [MemberData(nameof(Moduli))]
    public void ConstantProductsAndReductions_TakeAnyWord(ulong q)
    {
        var modulus = new Modulus(q);
        var words = Enumerable.Range(0, Length).Select(i => i switch { 0 => 0UL, 1 => ulong.MaxValue, 2 => q, _ => NextWord() }).ToArray();
        var w = q - 1;
        var shoup = modulus.ShoupOf(w);
        var c = Residues(q);
        foreach (var vectors in new[] { false, true })
        {
            Check(words, x => ModularRows.MultiplyConstant(x, x, w, shoup, modulus, vectors), (_, x) => (ulong)((UInt128)x * w % q));
            Check(words, x => ModularRows.Reduce(x, x, modulus, vectors), (_, x) => x % q);
            Check(c, x => ModularRows.AddConstant(x, x, w, modulus, vectors), (_, x) => (ulong)(((UInt128)x + w) % q));
            var scaled = new ulong[Length];
            ModularRows.SubtractReducedAndScale(scaled, c, words, w, w, shoup, modulus, vectors);
            Assert.Equal(c.Select((x, i) => (ulong)(((UInt128)x + q - (words[i] % q) + w) % q * w % q)), scaled);
            var added = (ulong[])c.Clone();
            ModularRows.MultiplyConstantAdd(added, words, w, shoup, modulus, vectors);
            Assert.Equal(c.Select((x, i) => (ulong)(((UInt128)words[i] * w + x) % q)), added);
        }
    }

    [Fact]
    public void WideAccumulation_IsExactModulo2To128()
    {
        var x = Enumerable.Range(0, Length).Select(i => i == 0 ? ulong.MaxValue : NextWord()).ToArray();
        var f = new[] { ulong.MaxValue, NextWord(), 1UL };
        foreach (var vectors in new[] { false, true })
        {
            var high = x.Select(v => v >> 1).ToArray();
            var low = x.Select(v => ~v).ToArray();
            var expected = x.Select((v, j) => ((UInt128)high[j] << 64) + low[j]).ToArray();
            foreach (var factor in f)
            {
                ModularRows.MultiplyAccumulateWide(high, low, x, factor, vectors);
                expected = [.. expected.Select((e, j) => e + ((UInt128)x[j] * factor))];
            }

            Assert.Equal(expected, x.Select((_, j) => ((UInt128)high[j] << 64) + low[j]));
        }
    }

    [Theory]
    [MemberData(nameof(Moduli))]
    public void LazyCorrections_LandInRange(ulong q)
    {
        if (q >= 1UL << 60)
        {
            return; // lazy values up to 4q need q below 2^62; the NTT primes are below 2^61
        }

        var fourQ = Enumerable.Range(0, Length).Select(i => i < 4 ? ((ulong)i * q) + (q - 1) : (ulong)_random.NextInt64(0, (long)(4 * q))).ToArray();
        var twoQ = fourQ.Select(x => x % (2 * q)).ToArray();
        foreach (var vectors in new[] { false, true })
        {
            Check(fourQ, x => ModularRows.CorrectLazy(x, q, belowTwoQ: false, vectors), (_, x) => x % q);
            Check(twoQ, x => ModularRows.CorrectLazy(x, q, belowTwoQ: true, vectors), (_, x) => x % q);
        }
    }

    private static void Check(ulong[] input, Action<ulong[]> operation, Func<int, ulong, ulong> model)
    {
        var values = (ulong[])input.Clone();
        operation(values);
        Assert.Equal(input.Select((x, i) => model(i, x)), values);
    }

    private ulong[] Residues(ulong q) =>
        [.. Enumerable.Range(0, Length).Select(i => i switch { 0 => 0UL, 1 => 1UL % q, 2 => q - 1, _ => NextWord() % q })];

    private ulong NextWord() => ((ulong)_random.NextInt64() << 1) ^ (ulong)_random.NextInt64();
}
