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

    private readonly CachedPointLanes<TField> ToCached()
    {
        CachedPointLanes<TField> r;
        r.YPlusX = TField.Add(Y, X);
        r.YMinusX = TField.Subtract(Y, X);
        r.Z2 = TField.Add(Z, Z);
        r.T2D = TField.Multiply(T, D2);
        return r;
    }

    private readonly EdwardsPointLanes<TField> Add(in CachedPointLanes<TField> q)
    {
        var a = TField.Multiply(TField.Subtract(Y, X), q.YMinusX);
        var b = TField.Multiply(TField.Add(Y, X), q.YPlusX);
        var c = TField.Multiply(T, q.T2D);
        var d = TField.Multiply(Z, q.Z2);
        var e = TField.Subtract(b, a);
        var f = TField.Subtract(d, c);
        var g = TField.Add(d, c);
        var h = TField.Add(b, a);
        EdwardsPointLanes<TField> r;
        r.X = TField.Multiply(e, f);
        r.Y = TField.Multiply(g, h);
        r.Z = TField.Multiply(f, g);
        r.T = TField.Multiply(e, h);
        return r;
    }

    private readonly EdwardsPointLanes<TField> Double()
    {
        var xx = TField.Square(X);
        var yy = TField.Square(Y);
        var zz = TField.Square(Z);
        var zz2 = TField.Add(zz, zz);
        var s = TField.Square(TField.Add(X, Y));
        var y3 = TField.Add(yy, xx);
        var z3 = TField.Subtract(yy, xx);
        var x3 = TField.Subtract(s, y3);
        var t3 = TField.Subtract(zz2, z3);
        EdwardsPointLanes<TField> r;
        r.X = TField.Multiply(x3, t3);
        r.Y = TField.Multiply(y3, z3);
        r.Z = TField.Multiply(z3, t3);
        r.T = TField.Multiply(x3, y3);
        return r;
    }

    /// <summary>[digit]P in every lane from the table of P..8P; the digit is secret, so every entry is read.</summary>
    private static CachedPointLanes<TField> Select(ReadOnlySpan<CachedPointLanes<TField>> table, sbyte digit)
    {
        var negative = (digit >> 7) & 1;
        var magnitude = digit - ((-negative & digit) << 1);
        var r = CachedIdentity;
        for (var j = 0; j < 8; j++)
        {
            var equal = ((uint)(magnitude ^ (j + 1)) - 1) >> 31;
            r = CachedPointLanes<TField>.Select(r, table[j], 0UL - equal);
        }

        CachedPointLanes<TField> n;
        n.YPlusX = r.YMinusX;
        n.YMinusX = r.YPlusX;
        n.Z2 = r.Z2;
        n.T2D = TField.Negate(r.T2D);
        return CachedPointLanes<TField>.Select(r, n, 0UL - (ulong)negative);
    }
}

/// <summary>Points prepared for addition, one per lane: (Y + X, Y - X, 2Z, 2d·T).</summary>
internal struct CachedPointLanes<TField>
    where TField : unmanaged, IFieldElementLanes<TField>
{
    public TField YPlusX, YMinusX, Z2, T2D;

    public static CachedPointLanes<TField> Select(in CachedPointLanes<TField> a, in CachedPointLanes<TField> b, ulong mask)
    {
        CachedPointLanes<TField> r;
        r.YPlusX = TField.Select(a.YPlusX, b.YPlusX, mask);
        r.YMinusX = TField.Select(a.YMinusX, b.YMinusX, mask);
        r.Z2 = TField.Select(a.Z2, b.Z2, mask);
        r.T2D = TField.Select(a.T2D, b.T2D, mask);
        return r;
    }
}
