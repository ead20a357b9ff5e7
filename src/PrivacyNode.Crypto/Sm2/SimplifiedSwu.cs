using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace PrivacyNode.Crypto.Sm2;

/// <summary>
/// RFC 9380 hash_to_curve (random-oracle encoding) with the simplified SWU map of section 6.6.2, for a
/// short Weierstrass curve y² = x³ + A·x + B with A·B ≠ 0 and cofactor 1, so that no isogeny and no
/// cofactor clearing is needed (P-256 and SM2 alike). Field arithmetic is BouncyCastle's; the map
/// branches on whether g(x1) is square, so its timing depends on the hashed value (see SECURITY.md).
/// </summary>
internal sealed class SimplifiedSwu
{
    /// <summary>expand_message_xmd with the suite's hash.</summary>
    public delegate void Expander(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst, Span<byte> output);

    private readonly ECCurve _curve;
    private readonly ECFieldElement _z;
    private readonly ECFieldElement _negBOverA;
    private readonly ECFieldElement _bOverZA;
    private readonly Expander _expand;
    private readonly int _length;

    /// <param name="parameters">The curve.</param>
    /// <param name="z">The suite's Z (RFC 9380 appendix H.2): -10 for P-256, -9 for SM2.</param>
    /// <param name="expand">expand_message_xmd with the suite's hash.</param>
    /// <param name="length">L, bytes per field element: ceil((ceil(log2 p) + k) / 8), 48 for 256-bit fields at k = 128.</param>
    public SimplifiedSwu(X9ECParameters parameters, int z, Expander expand, int length)
    {
        _curve = parameters.Curve;
        _z = _curve.FromBigInteger(BigInteger.ValueOf(z).Mod(_curve.Field.Characteristic));
        _negBOverA = _curve.B.Negate().Divide(_curve.A);
        _bOverZA = _curve.B.Divide(_z.Multiply(_curve.A));
        _expand = expand;
        _length = length;
    }

    /// <summary>hash_to_curve(message) under <paramref name="dst"/>: map(u0) + map(u1), normalized.</summary>
    public ECPoint Hash(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst)
    {
        var (u0, u1) = HashToField(message, dst);
        return Map(u0).Add(Map(u1)).Normalize();
    }

    /// <summary>RFC 9380 hash_to_field with count 2.</summary>
    public (ECFieldElement U0, ECFieldElement U1) HashToField(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst)
    {
        var uniform = new byte[2 * _length];
        _expand(message, dst, uniform);
        var p = _curve.Field.Characteristic;
        var u0 = _curve.FromBigInteger(new BigInteger(1, uniform, 0, _length).Mod(p));
        var u1 = _curve.FromBigInteger(new BigInteger(1, uniform, _length, _length).Mod(p));
        Array.Clear(uniform);
        return (u0, u1);
    }

    /// <summary>map_to_curve_simple_swu(u), as an affine point.</summary>
    public ECPoint Map(ECFieldElement u)
    {
        var a = _curve.A;
        var b = _curve.B;
        var zu2 = _z.Multiply(u.Square());
        var denominator = zu2.Square().Add(zu2);
        var x1 = denominator.IsZero ? _bOverZA : _negBOverA.Multiply(_curve.FromBigInteger(BigInteger.One).Add(denominator.Invert()));
        var gx1 = x1.Square().Add(a).Multiply(x1).Add(b);
        var x = x1;
        var y = gx1.Sqrt();
        if (y is null)
        {
            x = zu2.Multiply(x1);
            var gx2 = x.Square().Add(a).Multiply(x).Add(b);
            y = gx2.Sqrt() ?? throw new InvalidOperationException("Simplified SWU: neither candidate is on the curve; the suite's Z is wrong.");
        }

        if (u.TestBitZero() != y.TestBitZero())
        {
            y = y.Negate();
        }

        return _curve.ValidatePoint(x.ToBigInteger(), y.ToBigInteger());
    }
}
