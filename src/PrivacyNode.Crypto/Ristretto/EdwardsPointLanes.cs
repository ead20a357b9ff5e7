using System.Runtime.CompilerServices;

namespace PrivacyNode.Crypto.Ristretto;

/// <summary>
/// Several edwards25519 points in extended coordinates, one per lane of <typeparamref name="TField"/>, with the same
/// complete formulas as <see cref="EdwardsPoint"/>. It exists for one job: multiplying a batch of points by one secret
/// scalar (every PSI message is such a batch) several times faster per point than one at a time. Callers check
/// <c>TField.IsSupported</c>.
/// </summary>
internal struct EdwardsPointLanes<TField>
    where TField : unmanaged, IFieldElementLanes<TField>
{
    private static readonly TField D2 = TField.Broadcast(FieldElement.D2);

    private static readonly CachedPointLanes<TField> CachedIdentity = new()
    {
        YPlusX = TField.Broadcast(FieldElement.One),
        YMinusX = TField.Broadcast(FieldElement.One),
        Z2 = TField.Broadcast(FieldElement.One.Add(FieldElement.One)),
        T2D = default,
    };

    public TField X, Y, Z, T;

    /// <summary>
    /// [scalar]P for <c>TField.Count</c> points (the lanes of <paramref name="points"/>, written to
    /// <paramref name="results"/>, which may be the same span) and a 32-byte little-endian scalar below 2^255, in
    /// constant time: the signed radix-16 walk of <see cref="EdwardsPoint.Multiply"/>, its table entries chosen by
    /// masks, not by index.
    /// </summary>
    public static void Multiply(ReadOnlySpan<EdwardsPoint> points, ReadOnlySpan<byte> scalar, Span<EdwardsPoint> results)
    {
        Span<sbyte> digits = stackalloc sbyte[64];
        EdwardsPoint.Radix16(scalar, digits);

        var p = Load(points);
        Span<CachedPointLanes<TField>> table = stackalloc CachedPointLanes<TField>[8];
        p.ToCached(out table[0]);
        var multiple = p;
        for (var i = 1; i < 8; i++)
        {
            multiple.Add(table[0], out var next);
            next.ToCached(out table[i]);
            multiple = next;
        }

        Select(table, digits[63], out var entry);
        Identity().Add(entry, out var q);
        for (var i = 62; i >= 0; i--)
        {
            q.Double(out var t, withT: false);
            t.Double(out q, withT: false);
            q.Double(out t, withT: false);
            t.Double(out q, withT: true);
            Select(table, digits[i], out entry);
            q.Add(entry, out t);
            q = t;
        }

        digits.Clear();
        table.Clear();
        q.Store(results);
    }

    private static EdwardsPointLanes<TField> Identity()
    {
        EdwardsPointLanes<TField> r;
        r.X = default;
        r.Y = TField.Broadcast(FieldElement.One);
        r.Z = r.Y;
        r.T = default;
        return r;
    }

    private static EdwardsPointLanes<TField> Load(ReadOnlySpan<EdwardsPoint> points)
    {
        Span<FieldElement> lanes = stackalloc FieldElement[TField.Count];
        EdwardsPointLanes<TField> r;
        r.X = Column(points, lanes, static p => p.X);
        r.Y = Column(points, lanes, static p => p.Y);
        r.Z = Column(points, lanes, static p => p.Z);
        r.T = Column(points, lanes, static p => p.T);
        return r;
    }

    private static TField Column(ReadOnlySpan<EdwardsPoint> points, Span<FieldElement> lanes, Func<EdwardsPoint, FieldElement> coordinate)
    {
        for (var i = 0; i < lanes.Length; i++)
        {
            lanes[i] = coordinate(points[i]);
        }

        return TField.Load(lanes);
    }

    private readonly void Store(Span<EdwardsPoint> results)
    {
        var n = TField.Count;
        Span<FieldElement> x = stackalloc FieldElement[n];
        Span<FieldElement> y = stackalloc FieldElement[n];
        Span<FieldElement> z = stackalloc FieldElement[n];
        Span<FieldElement> t = stackalloc FieldElement[n];
        TField.Store(X, x);
        TField.Store(Y, y);
        TField.Store(Z, z);
        TField.Store(T, t);
        for (var i = 0; i < n; i++)
        {
            results[i] = new EdwardsPoint(x[i], y[i], z[i], t[i]);
        }
    }

    private readonly void ToCached(out CachedPointLanes<TField> r)
    {
        TField.Add(Y, X, out r.YPlusX);
        TField.Subtract(Y, X, out r.YMinusX);
        TField.Add(Z, Z, out r.Z2);
        TField.Multiply(T, D2, out r.T2D);
    }

    /// <summary>r = this + q; <paramref name="r"/> is not this.</summary>
    private readonly void Add(in CachedPointLanes<TField> q, out EdwardsPointLanes<TField> r)
    {
        TField.Subtract(Y, X, out var t);
        TField.Multiply(t, q.YMinusX, out var a);
        TField.Add(Y, X, out t);
        TField.Multiply(t, q.YPlusX, out var b);
        TField.Multiply(T, q.T2D, out var c);
        TField.Multiply(Z, q.Z2, out var d);
        TField.Subtract(b, a, out var e);
        TField.Subtract(d, c, out var f);
        TField.Add(d, c, out var g);
        TField.Add(b, a, out var h);
        TField.Multiply(e, f, out r.X);
        TField.Multiply(g, h, out r.Y);
        TField.Multiply(f, g, out r.Z);
        TField.Multiply(e, h, out r.T);
    }

    /// <summary>
    /// r = 2·this; <paramref name="r"/> is not this. Doubling does not read T, so a doubling followed by another
    /// may leave T out (<paramref name="withT"/> false): one product fewer.
    /// </summary>
    private readonly void Double(out EdwardsPointLanes<TField> r, bool withT)
    {
        Unsafe.SkipInit(out r);
        TField.Square(X, out var xx);
        TField.Square(Y, out var yy);
        TField.Square(Z, out var zz);
        TField.Add(zz, zz, out var zz2);
        TField.Add(X, Y, out var xy);
        TField.Square(xy, out var s);
        TField.Add(yy, xx, out var y3);
        TField.Subtract(yy, xx, out var z3);
        TField.Subtract(s, y3, out var x3);
        TField.Subtract(zz2, z3, out var t3);
        TField.Multiply(x3, t3, out r.X);
        TField.Multiply(y3, z3, out r.Y);
        TField.Multiply(z3, t3, out r.Z);
        if (withT)
        {
            TField.Multiply(x3, y3, out r.T);
        }
    }

    /// <summary>[digit]P in every lane from the table of P..8P; the digit is secret, so every entry is read.</summary>
    private static void Select(ReadOnlySpan<CachedPointLanes<TField>> table, sbyte digit, out CachedPointLanes<TField> r)
    {
        var negative = (digit >> 7) & 1;
        var magnitude = digit - ((-negative & digit) << 1);
        r = CachedIdentity;
        for (var j = 0; j < 8; j++)
        {
            var equal = ((uint)(magnitude ^ (j + 1)) - 1) >> 31;
            r.Assign(table[j], 0UL - equal);
        }

        // -P: Y + X and Y - X swap, and T·2d changes sign.
        var mask = 0UL - (ulong)negative;
        var plus = r.YPlusX;
        TField.Select(r.YPlusX, r.YMinusX, mask, out r.YPlusX);
        TField.Select(r.YMinusX, plus, mask, out r.YMinusX);
        TField.Negate(r.T2D, out var negated);
        TField.Select(r.T2D, negated, mask, out r.T2D);
    }
}

/// <summary>Points prepared for addition, one per lane: (Y + X, Y - X, 2Z, 2d·T).</summary>
internal struct CachedPointLanes<TField>
    where TField : unmanaged, IFieldElementLanes<TField>
{
    public TField YPlusX, YMinusX, Z2, T2D;

    /// <summary>This becomes <paramref name="other"/> where <paramref name="mask"/> is all ones, in constant time.</summary>
    public void Assign(in CachedPointLanes<TField> other, ulong mask)
    {
        TField.Select(YPlusX, other.YPlusX, mask, out YPlusX);
        TField.Select(YMinusX, other.YMinusX, mask, out YMinusX);
        TField.Select(Z2, other.Z2, mask, out Z2);
        TField.Select(T2D, other.T2D, mask, out T2D);
    }
}
