using System.Numerics;
using PrivacyNode.Crypto.Ristretto;

namespace PrivacyNode.Crypto.Tests.Ristretto;

/// <summary>
/// The eight-lane AVX-512 arithmetic against a BigInteger model and against the one-point code, lane by lane,
/// including limbs at the edges of their documented bounds. On a machine without AVX-512 there is nothing to run.
/// </summary>
public sealed class EightLaneTests
{
    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;

    private readonly Random _random = new(20261202);

    [Fact]
    public void FieldArithmetic_MatchesBigIntegerInEveryLane()
    {
        if (!FieldElement8.IsSupported)
        {
            return;
        }

        BigInteger[] edges = [0, 1, 2, 19, P - 1, P - 2, P - 19, (P - 1) / 2, BigInteger.Pow(2, 51), BigInteger.Pow(2, 255) - 20];
        for (var round = 0; round < 64; round++)
        {
            var a = new BigInteger[8];
            var b = new BigInteger[8];
            for (var lane = 0; lane < 8; lane++)
            {
                a[lane] = round < edges.Length ? edges[(round + lane) % edges.Length] : RandomElement();
                b[lane] = round < edges.Length ? edges[(round * 3 + lane) % edges.Length] : RandomElement();
            }

            var fa = Load(a);
            var fb = Load(b);
            // Loose inputs: one unreduced addition of carried values on either side of a product.
            var sum = fa.Add(fb);

            AssertLanes(i => a[i] * b[i], fa.Multiply(fb));
            AssertLanes(i => a[i] * a[i], fa.Square());
            AssertLanes(i => (a[i] + b[i]) * (a[i] + b[i]), sum.Square());
            AssertLanes(i => (a[i] + b[i]) * (a[i] + b[i]), sum.Multiply(sum));
            AssertLanes(i => (a[i] + b[i]) * (a[i] - b[i]), sum.Multiply(fa.Subtract(fb)));
            AssertLanes(i => a[i] - (a[i] + b[i]), fa.Subtract(sum));
            AssertLanes(i => -a[i], fa.Negate());
            AssertLanes(i => a[i] + b[i], sum.Carry());
        }
    }

    [Fact]
    public void Select_TakesEachLaneFromItsMask()
    {
        if (!FieldElement8.IsSupported)
        {
            return;
        }

        var a = Enumerable.Range(0, 8).Select(_ => RandomElement()).ToArray();
        var b = Enumerable.Range(0, 8).Select(_ => RandomElement()).ToArray();
        var mask = System.Runtime.Intrinsics.Vector512.Create(0UL, ulong.MaxValue, 0UL, 0UL, ulong.MaxValue, ulong.MaxValue, 0UL, ulong.MaxValue);

        AssertLanes(i => mask[i] == 0 ? a[i] : b[i], FieldElement8.Select(Load(a), Load(b), mask));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(33)]
    public void MultiplyBatch_EqualsOneAtATime(int count)
    {
        var points = new RistrettoPoint[count];
        for (var i = 0; i < count; i++)
        {
            // The identity and a point with a non-trivial edwards25519 representative ride along.
            points[i] = i == 3 ? RistrettoPoint.Identity
                : i == 5 ? points[1].Add(points[1])
                : RistrettoPoint.HashToGroup(BitConverter.GetBytes(i), "PrivacyNode-test"u8);
        }

        foreach (var scalar in Scalars())
        {
            using (scalar)
            {
                var results = new RistrettoPoint[count];
                RistrettoPoint.MultiplyBatch(points, scalar, results);
                for (var i = 0; i < count; i++)
                {
                    Assert.Equal(points[i].Multiply(scalar).ToArray(), results[i].ToArray());
                }

                // In place.
                var copy = (RistrettoPoint[])points.Clone();
                RistrettoPoint.MultiplyBatch(copy, scalar, copy);
                Assert.Equal(results.Select(r => r.ToArray()), copy.Select(r => r.ToArray()));
            }
        }
    }

    [Fact]
    public void MultiplyBatch_RefusesMismatchedSpans()
    {
        using var scalar = Scalar.Random();
        Assert.Throws<ArgumentException>(() => RistrettoPoint.MultiplyBatch(new RistrettoPoint[3], scalar, new RistrettoPoint[2]));
    }

    private static IEnumerable<Scalar> Scalars()
    {
        yield return Scalar.Random();
        yield return Scalar.FromUniformBytes([1, .. new byte[63]]);
        // ℓ - 1: every signed digit is busy, the top one included.
        var max = (Scalar.Order - 1).ToByteArray(isUnsigned: true);
        Assert.True(Scalar.TryDecode([.. max, .. new byte[32 - max.Length]], out var top));
        yield return top;
    }

    private BigInteger RandomElement()
    {
        var bytes = new byte[32];
        _random.NextBytes(bytes);
        return new BigInteger(bytes, isUnsigned: true) % P;
    }

    private static FieldElement8 Load(BigInteger[] values)
    {
        var lanes = new FieldElement[8];
        for (var i = 0; i < 8; i++)
        {
            var bytes = new byte[32];
            values[i].ToByteArray(isUnsigned: true).CopyTo(bytes, 0);
            lanes[i] = FieldElement.FromBytes(bytes);
        }

        var r = default(FieldElement8);
        r.SetLanes(lanes);
        return r;
    }

    private static void AssertLanes(Func<int, BigInteger> expected, FieldElement8 actual)
    {
        var lanes = new FieldElement[8];
        actual.GetLanes(lanes);
        for (var i = 0; i < 8; i++)
        {
            var bytes = new byte[32];
            lanes[i].ToBytes(bytes);
            Assert.Equal(((expected(i) % P) + P) % P, new BigInteger(bytes, isUnsigned: true));
        }
    }
}
