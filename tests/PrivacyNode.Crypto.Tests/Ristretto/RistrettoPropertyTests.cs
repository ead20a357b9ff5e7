using System.Numerics;
using Org.BouncyCastle.Math.EC.Rfc7748;
using PrivacyNode.Crypto.Ristretto;

namespace PrivacyNode.Crypto.Tests.Ristretto;

/// <summary>
/// Field, scalar and group arithmetic against a plaintext model (BigInteger), the group laws, and a
/// cross-check of scalar multiplication against BouncyCastle's X25519 on the same curve.
/// </summary>
public sealed class RistrettoPropertyTests
{
    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;
    private static readonly BigInteger L = Scalar.Order;

    /// <summary>Fixed seeds keep the suite deterministic; the inputs include the edges of each range.</summary>
    private readonly Random _random = new(20261123);

    [Fact]
    public void FieldConstants_AreWhatTheyClaim()
    {
        Assert.Equal(Mod(-121665 * ModInverse(121666, P), P), Value(FieldElement.D));
        Assert.Equal(P - 1, Mod(Value(FieldElement.SqrtM1) * Value(FieldElement.SqrtM1), P));
    }

    [Fact]
    public void FieldArithmetic_MatchesBigInteger()
    {
        foreach (var (a, b) in Pairs(P))
        {
            var fa = Field(a);
            var fb = Field(b);

            Assert.Equal(Mod(a + b, P), Value(fa.Add(fb)));
            Assert.Equal(Mod(a - b, P), Value(fa.Subtract(fb)));
            Assert.Equal(Mod(a * b, P), Value(fa.Multiply(fb)));
            Assert.Equal(Mod(a * a, P), Value(fa.Square()));
            Assert.Equal(Mod(-a, P), Value(fa.Negate()));
            Assert.Equal(a.IsZero ? 0 : ModInverse(a, P), Value(fa.Invert()));
            // Limbs loosened by an unreduced addition still multiply correctly.
            Assert.Equal(Mod((a + b) * (a + b), P), Value(fa.Add(fb).Square()));
            Assert.Equal(Mod((a + b) * (a - b), P), Value(fa.Add(fb).Multiply(fa.Subtract(fb))));
        }
    }

    [Fact]
    public void LimbProducts_AgreeWithAndWithoutBmi2()
    {
        // Mul is MULX + IMUL with BMI2 and Math.BigMul without: the only code that differs between the field's two paths.
        var words = new ulong[] { 0, 1, 19, (1UL << 51) - 1, 1UL << 52, (1UL << 54) - 1, ulong.MaxValue }
            .Concat(Enumerable.Range(0, 500).Select(_ => (ulong)_random.NextInt64() ^ ((ulong)_random.Next() << 33)));
        foreach (var a in words)
        {
            foreach (var b in new ulong[] { a, ~a, a >> 7, 19 * (a >> 5) })
            {
                var expected = new BigInteger(a) * b;
                Assert.Equal(expected, ((BigInteger)FieldElement.Mul(a, b).High << 64) + FieldElement.Mul(a, b).Low);
                Assert.Equal(expected, ((BigInteger)FieldElement.MulPortable(a, b).High << 64) + FieldElement.MulPortable(a, b).Low);
            }
        }
    }

    [Fact]
    public void FieldEncoding_IsCanonical()
    {
        // 2^255 - 19 .. 2^255 - 1 are non-canonical encodings of 0 .. 18.
        for (var k = 0; k < 19; k++)
        {
            var bytes = (P + k).ToByteArray(isUnsigned: true);
            Assert.Equal(new BigInteger(k), Value(FieldElement.FromBytes(bytes)));
        }
    }

    [Fact]
    public void ScalarArithmetic_MatchesBigInteger()
    {
        foreach (var (a, b) in Pairs(L))
        {
            using var sa = ScalarOf(a);
            using var sb = ScalarOf(b);
            using var product = sa.Multiply(sb);
            using var inverse = sa.Invert();

            Assert.Equal(Mod(a * b, L), Value(product));
            Assert.Equal(a.IsZero ? 0 : ModInverse(a, L), Value(inverse));
        }
    }

    [Fact]
    public void ScalarFromUniformBytes_ReducesModOrder()
    {
        var wide = new byte[64];
        for (var i = 0; i < 200; i++)
        {
            _random.NextBytes(wide);
            if (i == 0)
            {
                Array.Fill(wide, (byte)0xff);
            }

            using var scalar = Scalar.FromUniformBytes(wide);
            Assert.Equal(new BigInteger(wide, isUnsigned: true) % L, Value(scalar));
        }
    }

    [Fact]
    public void ScalarDecode_RejectsNonCanonical()
    {
        Assert.False(Scalar.TryDecode(L.ToByteArray(isUnsigned: true), out _));
        Assert.False(Scalar.TryDecode(Enumerable.Repeat((byte)0xff, 32).ToArray(), out _));
        Assert.False(Scalar.TryDecode(new byte[31], out _));
        Assert.True(Scalar.TryDecode(Pad(L - 1), out var max));
        max.Dispose();
    }

    [Fact]
    public void ScalarDispose_ZeroesTheValue()
    {
        var scalar = Scalar.Random();
        Assert.False(scalar.IsZero);

        scalar.Dispose();

        Assert.True(scalar.IsZero);
    }

    [Fact]
    public void ScalarMultiplication_FollowsTheGroupLaws()
    {
        var point = RistrettoPoint.HashToGroup("group laws"u8, "PrivacyNode-test"u8);
        for (var i = 0; i < 8; i++)
        {
            using var a = Scalar.Random();
            using var b = Scalar.Random();
            using var ab = a.Multiply(b);
            using var inverse = a.Invert();

            Assert.Equal(point.Multiply(ab), point.Multiply(a).Multiply(b));
            Assert.Equal(point, point.Multiply(a).Multiply(inverse));
            Assert.Equal(RistrettoPoint.Identity, point.Add(point.Negate()));
        }

        // ℓ·P is the identity: ristretto255 has prime order (the edwards25519 representative may carry 4-torsion).
        Assert.Equal(RistrettoPoint.Identity, RistrettoPoint.FromEdwards(point.Point.Multiply(Pad(L))));
        Assert.Equal(new byte[32], RistrettoPoint.FromEdwards(point.Point.Multiply(Pad(L))).ToArray());
    }

    [Fact]
    public void ScalarMultiplication_AgreesWithBouncyCastleX25519()
    {
        var k = new byte[32];
        for (var i = 0; i < 16; i++)
        {
            var point = RistrettoPoint.HashToGroup(BitConverter.GetBytes(i), "PrivacyNode-test"u8).Point;
            _random.NextBytes(k);
            k[0] &= 248;
            k[31] &= 127;
            k[31] |= 64;

            var ours = MontgomeryU(point.Multiply(k));
            var theirs = new byte[32];
            X25519.ScalarMult(k, 0, MontgomeryU(point), 0, theirs, 0);

            Assert.Equal(Convert.ToHexString(theirs), Convert.ToHexString(ours));
        }
    }

    [Fact]
    public void Encoding_RoundTripsAndIsUniquePerElement()
    {
        for (var i = 0; i < 32; i++)
        {
            var element = RistrettoPoint.HashToGroup(BitConverter.GetBytes(i), "PrivacyNode-test"u8);
            var encoded = element.ToArray();

            Assert.True(RistrettoPoint.TryDecode(encoded, out var decoded));
            Assert.Equal(encoded, decoded.ToArray());
            // The same element reached another way (a different edwards25519 representative) encodes identically.
            using var two = Scalar.FromUniformBytes([2, .. new byte[63]]);
            Assert.Equal(element.Multiply(two).ToArray(), element.Add(element).ToArray());
        }
    }

    [Fact]
    public void FlippedBit_IsRejectedOrADifferentElement()
    {
        var encoded = RistrettoPoint.HashToGroup("tamper"u8, "PrivacyNode-test"u8).ToArray();
        for (var bit = 0; bit < 256; bit++)
        {
            var tampered = (byte[])encoded.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));

            if (RistrettoPoint.TryDecode(tampered, out var other))
            {
                Assert.NotEqual(encoded, other.ToArray());
            }
        }
    }

    [Fact]
    public void HashToGroup_SeparatesDomains()
    {
        var a = RistrettoPoint.HashToGroup("110105199001010011"u8, "PrivacyNode-PSI-v1"u8);
        var b = RistrettoPoint.HashToGroup("110105199001010011"u8, "PrivacyNode-PSI-v2"u8);

        Assert.NotEqual(a, b);
        Assert.Throws<ArgumentException>(() => RistrettoPoint.HashToGroup("x"u8, ReadOnlySpan<byte>.Empty));
    }

    private IEnumerable<(BigInteger A, BigInteger B)> Pairs(BigInteger modulus)
    {
        BigInteger[] edges = [0, 1, 2, modulus - 1, modulus - 2, (modulus - 1) / 2, BigInteger.Pow(2, 51), BigInteger.Pow(2, 52) - 1];
        foreach (var a in edges)
        {
            foreach (var b in edges)
            {
                yield return (a, b);
            }
        }

        var bytes = new byte[32];
        for (var i = 0; i < 300; i++)
        {
            _random.NextBytes(bytes);
            var a = new BigInteger(bytes, isUnsigned: true) % modulus;
            _random.NextBytes(bytes);
            yield return (a, new BigInteger(bytes, isUnsigned: true) % modulus);
        }
    }

    /// <summary>u = (Z + Y) / (Z - Y), the Montgomery coordinate X25519 works with.</summary>
    private static byte[] MontgomeryU(EdwardsPoint point)
    {
        var u = point.Z.Add(point.Y).Multiply(point.Z.Subtract(point.Y).Invert());
        var bytes = new byte[32];
        u.ToBytes(bytes);
        return bytes;
    }

    private static FieldElement Field(BigInteger value) => FieldElement.FromBytes(Pad(value));

    private static BigInteger Value(FieldElement element)
    {
        var bytes = new byte[32];
        element.ToBytes(bytes);
        var value = new BigInteger(bytes, isUnsigned: true);
        Assert.True(value < P, "ToBytes must be canonical");
        return value;
    }

    private static Scalar ScalarOf(BigInteger value)
    {
        Assert.True(Scalar.TryDecode(Pad(value), out var scalar));
        return scalar;
    }

    private static BigInteger Value(Scalar scalar)
    {
        var bytes = new byte[32];
        scalar.Encode(bytes);
        return new BigInteger(bytes, isUnsigned: true);
    }

    private static byte[] Pad(BigInteger value)
    {
        var bytes = new byte[32];
        value.ToByteArray(isUnsigned: true).CopyTo(bytes, 0);
        return bytes;
    }

    private static BigInteger Mod(BigInteger value, BigInteger modulus) => ((value % modulus) + modulus) % modulus;

    private static BigInteger ModInverse(BigInteger value, BigInteger modulus) => BigInteger.ModPow(Mod(value, modulus), modulus - 2, modulus);
}
