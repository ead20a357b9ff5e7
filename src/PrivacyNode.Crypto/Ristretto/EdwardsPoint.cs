using System.Runtime.CompilerServices;

namespace PrivacyNode.Crypto.Ristretto;

/// <summary>
/// A point of the twisted Edwards curve -x² + y² = 1 + d·x²·y² (edwards25519) in extended coordinates
/// (X : Y : Z : T) with x = X/Z, y = Y/Z, x·y = T/Z. Formulas are the complete ones of Hisil, Wong,
/// Carter and Dawson (2008) for a = -1, so they hold for every input, identity included.
/// </summary>
internal readonly struct EdwardsPoint
{
    public static readonly EdwardsPoint Identity = new(FieldElement.Zero, FieldElement.One, FieldElement.One, FieldElement.Zero);

    public readonly FieldElement X, Y, Z, T;

    public EdwardsPoint(in FieldElement x, in FieldElement y, in FieldElement z, in FieldElement t)
    {
        X = x;
        Y = y;
        Z = z;
        T = t;
    }

    /// <summary>This point prepared for addition.</summary>
    public CachedPoint ToCached() => new(Y.Add(X), Y.Subtract(X), Z.Add(Z), T.Multiply(FieldElement.D2));

    public EdwardsPoint Add(in EdwardsPoint other) => Add(other.ToCached());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public EdwardsPoint Add(in CachedPoint q)
    {
        var a = Y.Subtract(X).Multiply(q.YMinusX);
        var b = Y.Add(X).Multiply(q.YPlusX);
        var c = T.Multiply(q.T2D);
        var d = Z.Multiply(q.Z2);
        var e = b.Subtract(a);
        var f = d.Subtract(c);
        var g = d.Add(c);
        var h = b.Add(a);
        return new EdwardsPoint(e.Multiply(f), g.Multiply(h), f.Multiply(g), e.Multiply(h));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public EdwardsPoint Double()
    {
        var xx = X.Square();
        var yy = Y.Square();
        var zz = Z.Square();
        var zz2 = zz.Add(zz);
        var s = X.Add(Y).Square();
        var y3 = yy.Add(xx);
        var z3 = yy.Subtract(xx);
        var x3 = s.Subtract(y3);
        var t3 = zz2.Subtract(z3);
        return new EdwardsPoint(x3.Multiply(t3), y3.Multiply(z3), z3.Multiply(t3), x3.Multiply(y3));
    }

    public EdwardsPoint Negate() => new(X.Negate(), Y, Z, T.Negate());

    /// <summary>
    /// [scalar]this for a 32-byte little-endian scalar below 2^255, in constant time: signed radix-16
    /// digits, a table of 1..8 multiples read without secret-dependent indexing.
    /// </summary>
    public EdwardsPoint Multiply(ReadOnlySpan<byte> scalar)
    {
        Span<sbyte> digits = stackalloc sbyte[64];
        Radix16(scalar, digits);

        Span<CachedPoint> table = stackalloc CachedPoint[8];
        table[0] = ToCached();
        var multiple = this;
        for (var i = 1; i < 8; i++)
        {
            multiple = multiple.Add(table[0]);
            table[i] = multiple.ToCached();
        }

        var q = Identity.Add(Select(table, digits[63]));
        for (var i = 62; i >= 0; i--)
        {
            q = q.Double().Double().Double().Double();
            q = q.Add(Select(table, digits[i]));
        }

        digits.Clear();
        return q;
    }

    /// <summary>The 64 signed digits d_i in [-8, 8) with scalar = Σ d_i·16^i (the last digit is in [0, 8]).</summary>
    internal static void Radix16(ReadOnlySpan<byte> scalar, Span<sbyte> digits)
    {
        for (var i = 0; i < 32; i++)
        {
            digits[2 * i] = (sbyte)(scalar[i] & 15);
            digits[(2 * i) + 1] = (sbyte)(scalar[i] >> 4);
        }

        for (var i = 0; i < 63; i++)
        {
            var carry = (digits[i] + 8) >> 4;
            digits[i] -= (sbyte)(carry << 4);
            digits[i + 1] += (sbyte)carry;
        }
    }

    /// <summary>[digit]P from the table of P..8P, in constant time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static CachedPoint Select(ReadOnlySpan<CachedPoint> table, sbyte digit)
    {
        var negative = (digit >> 7) & 1;
        var magnitude = digit - ((-negative & digit) << 1);
        var r = CachedPoint.Identity;
        for (var j = 0; j < 8; j++)
        {
            r = CachedPoint.Select(r, table[j], ((uint)(magnitude ^ (j + 1)) - 1) >> 31 == 1);
        }

        return CachedPoint.Select(r, r.Negate(), negative == 1);
    }
}

/// <summary>A point prepared for addition: (Y + X, Y - X, 2Z, 2d·T).</summary>
internal readonly struct CachedPoint(FieldElement yPlusX, FieldElement yMinusX, FieldElement z2, FieldElement t2d)
{
    public static readonly CachedPoint Identity = new(FieldElement.One, FieldElement.One, FieldElement.One.Add(FieldElement.One), FieldElement.Zero);

    public readonly FieldElement YPlusX = yPlusX, YMinusX = yMinusX, Z2 = z2, T2D = t2d;

    public CachedPoint Negate() => new(YMinusX, YPlusX, Z2, T2D.Negate());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static CachedPoint Select(in CachedPoint a, in CachedPoint b, bool choose) => new(
        FieldElement.Select(a.YPlusX, b.YPlusX, choose),
        FieldElement.Select(a.YMinusX, b.YMinusX, choose),
        FieldElement.Select(a.Z2, b.Z2, choose),
        FieldElement.Select(a.T2D, b.T2D, choose));
}
