using System.Numerics;
using PrivacyNode.Crypto.Ristretto;

namespace PrivacyNode.Crypto.Tests.Ristretto;

/// <summary>
/// The vector arithmetic (eight AVX-512 lanes, four AVX2 lanes) against a BigInteger model and against the
/// one-point code, lane by lane, including limbs at the edges of their documented bounds. A width the machine
/// lacks has nothing to run.
/// </summary>
public sealed class LaneTests
{
    private delegate void SpanAction(Span<FieldElement> values);

    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;

    private readonly Random _random = new(20261202);

    [Fact]
    public void FieldArithmetic_MatchesBigIntegerInEveryLane()
    {
        FieldArithmetic<FieldElement4>();
        FieldArithmetic<FieldElement8>();
    }

    [Fact]
    public void Select_TakesEveryLaneFromTheChosenSide()
    {
        Select<FieldElement4>();
        Select<FieldElement8>();
    }

    [Fact]
    public void PowP58_EqualsOneAtATimeInEveryLane()
    {
        BigInteger[] edges = [0, 1, 2, P - 1, P - 2, (P - 1) / 2, BigInteger.Pow(2, 255) - 20];
        var values = edges.Concat(Enumerable.Range(0, 12).Select(_ => RandomElement())).ToArray();
        var expected = Load(values).Select(v => v.PowP58()).ToArray();

        Assert.Equal(Bytes(expected), PowP58(values, FieldElementBatch.PowP58));
        if (FieldElement4.IsSupported)
        {
            Assert.Equal(Bytes(expected), PowP58(values, FieldElementBatch.PowP58<FieldElement4>));
        }

        if (FieldElement8.IsSupported)
        {
            Assert.Equal(Bytes(expected), PowP58(values, FieldElementBatch.PowP58<FieldElement8>));
        }

        static string[] PowP58(BigInteger[] values, SpanAction raise)
        {
            var elements = Load(values);
            raise(elements);
            return Bytes(elements);
        }

        static string[] Bytes(FieldElement[] elements) => [.. elements.Select(e =>
        {
            var bytes = new byte[32];
            e.ToBytes(bytes);
            return Convert.ToHexString(bytes);
        })];
    }

    private void FieldArithmetic<TField>()
        where TField : unmanaged, IFieldElementLanes<TField>
    {
        if (!TField.IsSupported)
        {
            return;
        }

        var n = TField.Count;
        BigInteger[] edges = [0, 1, 2, 19, P - 1, P - 2, P - 19, (P - 1) / 2, BigInteger.Pow(2, 51), BigInteger.Pow(2, 255) - 20];
        for (var round = 0; round < 64; round++)
        {
            var a = new BigInteger[n];
            var b = new BigInteger[n];
            for (var lane = 0; lane < n; lane++)
            {
                a[lane] = round < edges.Length ? edges[(round + lane) % edges.Length] : RandomElement();
                b[lane] = round < edges.Length ? edges[(round * 3 + lane) % edges.Length] : RandomElement();
            }

            var fa = Load<TField>(a);
            var fb = Load<TField>(b);
            // Loose inputs: one unreduced addition of carried values on either side of a product.
            TField.Add(fa, fb, out var sum);
            TField.Subtract(fa, fb, out var difference);
            TField.Multiply(fa, fb, out var product);
            TField.Square(fa, out var square);
            TField.Square(sum, out var sumSquared);
            TField.Multiply(sum, sum, out var sumTimesSum);
            TField.Multiply(sum, difference, out var sumTimesDifference);
            TField.Subtract(fa, sum, out var minusB);
            TField.Negate(fa, out var negated);

            AssertLanes(i => a[i] * b[i], product);
            AssertLanes(i => a[i] * a[i], square);
            AssertLanes(i => (a[i] + b[i]) * (a[i] + b[i]), sumSquared);
            AssertLanes(i => (a[i] + b[i]) * (a[i] + b[i]), sumTimesSum);
            AssertLanes(i => (a[i] + b[i]) * (a[i] - b[i]), sumTimesDifference);
            AssertLanes(i => a[i] - (a[i] + b[i]), minusB);
            AssertLanes(i => -a[i], negated);
            AssertLanes(i => a[i] + b[i], sum);
        }
    }

    private void Select<TField>()
        where TField : unmanaged, IFieldElementLanes<TField>
    {
        if (!TField.IsSupported)
        {
            return;
        }

        var n = TField.Count;
        var a = Enumerable.Range(0, n).Select(_ => RandomElement()).ToArray();
        var b = Enumerable.Range(0, n).Select(_ => RandomElement()).ToArray();

        var fa = Load<TField>(a);
        var fb = Load<TField>(b);
        TField.Select(fa, fb, 0, out var zero);
        TField.Select(fa, fb, ulong.MaxValue, out var ones);
        AssertLanes(i => a[i], zero);
        AssertLanes(i => b[i], ones);

        // In place, as the point code selects.
        TField.Select(fa, fb, ulong.MaxValue, out fa);
        AssertLanes(i => b[i], fa);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
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

                // The narrower width too, where the machine has both.
                if (FieldElement4.IsSupported)
                {
                    var narrow = new RistrettoPoint[count];
                    RistrettoPoint.MultiplyLanes<FieldElement4>(points, scalar, narrow);
                    Assert.Equal(results.Select(r => r.ToArray()), narrow.Select(r => r.ToArray()));
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

    private static TField Load<TField>(BigInteger[] values)
        where TField : unmanaged, IFieldElementLanes<TField> => TField.Load(Load(values));

    private static FieldElement[] Load(BigInteger[] values) => [.. values.Select(v =>
    {
        var bytes = new byte[32];
        v.ToByteArray(isUnsigned: true).CopyTo(bytes, 0);
        return FieldElement.FromBytes(bytes);
    })];

    private static void AssertLanes<TField>(Func<int, BigInteger> expected, TField actual)
        where TField : unmanaged, IFieldElementLanes<TField>
    {
        var lanes = new FieldElement[TField.Count];
        TField.Store(actual, lanes);
        for (var i = 0; i < lanes.Length; i++)
        {
            var bytes = new byte[32];
            lanes[i].ToBytes(bytes);
            Assert.Equal(((expected(i) % P) + P) % P, new BigInteger(bytes, isUnsigned: true));
        }
    }
}
