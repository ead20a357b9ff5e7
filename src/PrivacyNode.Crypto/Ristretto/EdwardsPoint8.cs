using System.Runtime.Intrinsics;

namespace PrivacyNode.Crypto.Ristretto;

/// <summary>
/// Eight edwards25519 points in extended coordinates, one per lane of <see cref="FieldElement8"/>, with the
/// same complete formulas as <see cref="EdwardsPoint"/>. It exists for one job: multiplying a batch of points
/// by one secret scalar (every PSI message is such a batch) about five times faster per point than one at a
/// time. Callers check <see cref="FieldElement8.IsSupported"/>.
/// </summary>
internal struct EdwardsPoint8
{
    public FieldElement8 X, Y, Z, T;

    /// <summary>
    /// [scalar]P for eight points (the lanes of <paramref name="points"/>, written to <paramref name="results"/>,
    /// which may be the same span) and a 32-byte little-endian scalar below 2^255, in constant time: the signed
    /// radix-16 walk of <see cref="EdwardsPoint.Multiply"/>, its table entries chosen by masks, not by index.
    /// </summary>
    public static void Multiply(ReadOnlySpan<EdwardsPoint> points, ReadOnlySpan<byte> scalar, Span<EdwardsPoint> results)
    {
        Span<sbyte> digits = stackalloc sbyte[64];
        EdwardsPoint.Radix16(scalar, digits);

        var p = Load(points);
        Span<CachedPoint8> table = stackalloc CachedPoint8[8];
        table[0] = p.ToCached();
        var multiple = p;
        for (var i = 1; i < 8; i++)
        {
            multiple = multiple.Add(table[0]);
            table[i] = multiple.ToCached();
        }

        var q = Identity().Add(Select(table, digits[63]));
        for (var i = 62; i >= 0; i--)
        {
            q = q.Double().Double().Double().Double();
            q = q.Add(Select(table, digits[i]));
        }

        digits.Clear();
        table.Clear();
        q.Store(results);
    }

    private static EdwardsPoint8 Identity()
    {
        EdwardsPoint8 r;
        r.X = default;
        r.Y = FieldElement8.Broadcast(FieldElement.One);
        r.Z = r.Y;
        r.T = default;
        return r;
    }

    private static EdwardsPoint8 Load(ReadOnlySpan<EdwardsPoint> points)
    {
        Span<FieldElement> lanes = stackalloc FieldElement[8];
        EdwardsPoint8 r;
        r.X = Column(points, lanes, static p => p.X);
        r.Y = Column(points, lanes, static p => p.Y);
        r.Z = Column(points, lanes, static p => p.Z);
        r.T = Column(points, lanes, static p => p.T);
        return r;
    }

    private static FieldElement8 Column(ReadOnlySpan<EdwardsPoint> points, Span<FieldElement> lanes, Func<EdwardsPoint, FieldElement> coordinate)
    {
        for (var i = 0; i < 8; i++)
        {
            lanes[i] = coordinate(points[i]);
        }

        var r = default(FieldElement8);
        r.SetLanes(lanes);
        return r;
    }

    private readonly void Store(Span<EdwardsPoint> results)
    {
        Span<FieldElement> x = stackalloc FieldElement[8];
        Span<FieldElement> y = stackalloc FieldElement[8];
        Span<FieldElement> z = stackalloc FieldElement[8];
        Span<FieldElement> t = stackalloc FieldElement[8];
        X.GetLanes(x);
        Y.GetLanes(y);
        Z.GetLanes(z);
        T.GetLanes(t);
        for (var i = 0; i < 8; i++)
        {
            results[i] = new EdwardsPoint(x[i], y[i], z[i], t[i]);
        }
    }

    private readonly CachedPoint8 ToCached()
    {
        CachedPoint8 r;
        r.YPlusX = Y.Add(X);
        r.YMinusX = Y.Subtract(X);
        r.Z2 = Z.Add(Z);
        r.T2D = T.Multiply(D2);
        return r;
    }

    private readonly EdwardsPoint8 Add(in CachedPoint8 q)
    {
        var a = Y.Subtract(X).Multiply(q.YMinusX);
        var b = Y.Add(X).Multiply(q.YPlusX);
        var c = T.Multiply(q.T2D);
        var d = Z.Multiply(q.Z2);
        var e = b.Subtract(a);
        var f = d.Subtract(c);
        var g = d.Add(c);
        var h = b.Add(a);
        EdwardsPoint8 r;
        r.X = e.Multiply(f);
        r.Y = g.Multiply(h);
        r.Z = f.Multiply(g);
        r.T = e.Multiply(h);
        return r;
    }

    private readonly EdwardsPoint8 Double()
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
        EdwardsPoint8 r;
        r.X = x3.Multiply(t3);
        r.Y = y3.Multiply(z3);
        r.Z = z3.Multiply(t3);
        r.T = x3.Multiply(y3);
        return r;
    }

    /// <summary>[digit]P in every lane from the table of P..8P; the digit is secret, so every entry is read.</summary>
    private static CachedPoint8 Select(ReadOnlySpan<CachedPoint8> table, sbyte digit)
    {
        var negative = (digit >> 7) & 1;
        var magnitude = digit - ((-negative & digit) << 1);
        var r = CachedIdentity;
        for (var j = 0; j < 8; j++)
        {
            var equal = ((uint)(magnitude ^ (j + 1)) - 1) >> 31;
            r = CachedPoint8.Select(r, table[j], Vector512.Create(0UL - equal));
        }

        var negate = Vector512.Create(0UL - (ulong)negative);
        CachedPoint8 n;
        n.YPlusX = r.YMinusX;
        n.YMinusX = r.YPlusX;
        n.Z2 = r.Z2;
        n.T2D = r.T2D.Negate();
        return CachedPoint8.Select(r, n, negate);
    }

    private static readonly FieldElement8 D2 = FieldElement8.Broadcast(FieldElement.D2);

    private static readonly CachedPoint8 CachedIdentity = new()
    {
        YPlusX = FieldElement8.Broadcast(FieldElement.One),
        YMinusX = FieldElement8.Broadcast(FieldElement.One),
        Z2 = FieldElement8.Broadcast(FieldElement.One.Add(FieldElement.One)),
        T2D = default,
    };
}

/// <summary>Eight points prepared for addition: (Y + X, Y - X, 2Z, 2d·T).</summary>
internal struct CachedPoint8
{
    public FieldElement8 YPlusX, YMinusX, Z2, T2D;

    public static CachedPoint8 Select(in CachedPoint8 a, in CachedPoint8 b, Vector512<ulong> mask)
    {
        CachedPoint8 r;
        r.YPlusX = FieldElement8.Select(a.YPlusX, b.YPlusX, mask);
        r.YMinusX = FieldElement8.Select(a.YMinusX, b.YMinusX, mask);
        r.Z2 = FieldElement8.Select(a.Z2, b.Z2, mask);
        r.T2D = FieldElement8.Select(a.T2D, b.T2D, mask);
        return r;
    }
}
