namespace PrivacyNode.Crypto.Ristretto;

/// <summary>
/// An element of the prime-order group ristretto255 (RFC 9496), represented by an edwards25519 point.
/// Encodings are canonical: each element has exactly one 32-byte encoding, and decoding rejects every
/// other string, so small-order and non-canonical inputs never enter the computation.
/// </summary>
public readonly struct RistrettoPoint : IEquatable<RistrettoPoint>
{
    /// <summary>The size of an encoded element in bytes.</summary>
    public const int Size = 32;

    private static readonly FieldElement SqrtAdMinusOne = FieldElement.FromHex("1b2e7b49a0f6977ebd54781b0c8e9daffdd1f531c9fc3c0fac48832bbf316937");
    private static readonly FieldElement InvSqrtAMinusD = FieldElement.FromHex("ea405d80aafdc899be72415a17162f9d40d801fe917bc216a2fcafcf05896c78");
    private static readonly FieldElement OneMinusDSquared = FieldElement.FromHex("76c15f94c1097ce20f355ecd38a1812ce4df70beddab9499d7e0b3b2a8729002");
    private static readonly FieldElement DMinusOneSquared = FieldElement.FromHex("204ded44aa5aad3199191eb02c4a9ed2eb4e9b522fd3dc4c41226cf67ab36859");

    private readonly EdwardsPoint _point;

    private RistrettoPoint(in EdwardsPoint point) => _point = point;

    /// <summary>The identity element (encoded as 32 zero bytes).</summary>
    public static RistrettoPoint Identity { get; } = new(EdwardsPoint.Identity);

    /// <summary>The canonical generator B of RFC 9496.</summary>
    public static RistrettoPoint Generator { get; } = Decode(Convert.FromHexString("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"));

    internal EdwardsPoint Point => _point;

    /// <summary>The element an edwards25519 point in the ristretto255 image stands for.</summary>
    internal static RistrettoPoint FromEdwards(in EdwardsPoint point) => new(point);

    /// <summary>Decodes a canonical encoding (RFC 9496 section 4.3.1); false for any other 32 bytes or a wrong length.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, out RistrettoPoint element)
    {
        element = Identity;
        if (encoded.Length != Size)
        {
            return false;
        }

        var s = FieldElement.FromBytes(encoded);
        Span<byte> canonical = stackalloc byte[Size];
        s.ToBytes(canonical);
        var isCanonical = canonical.SequenceEqual(encoded);
        if (!isCanonical || s.IsNegative())
        {
            return false;
        }

        var ss = s.Square();
        var u1 = FieldElement.One.Subtract(ss);
        var u2 = FieldElement.One.Add(ss);
        var u2Squared = u2.Square();
        var v = FieldElement.D.Multiply(u1.Square()).Negate().Subtract(u2Squared);
        var (wasSquare, invSqrt) = FieldElement.SqrtRatioM1(FieldElement.One, v.Multiply(u2Squared));
        var denX = invSqrt.Multiply(u2);
        var denY = invSqrt.Multiply(denX).Multiply(v);
        var x = s.Add(s).Multiply(denX).Abs();
        var y = u1.Multiply(denY);
        var t = x.Multiply(y);
        if (!wasSquare | t.IsNegative() | y.IsZero())
        {
            return false;
        }

        element = new RistrettoPoint(new EdwardsPoint(x, y, FieldElement.One, t));
        return true;
    }

    /// <summary>Decodes a canonical encoding.</summary>
    /// <exception cref="FormatException">The bytes are not the encoding of a group element.</exception>
    public static RistrettoPoint Decode(ReadOnlySpan<byte> encoded) =>
        TryDecode(encoded, out var element) ? element : throw new FormatException("Not a canonical ristretto255 encoding.");

    /// <summary>Maps 64 uniformly random bytes to an element (RFC 9496 section 4.3.4, libsodium's <c>from_hash</c>).</summary>
    public static RistrettoPoint FromUniformBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 64)
        {
            throw new ArgumentException("The one-way map takes 64 bytes.", nameof(bytes));
        }

        var p1 = Map(FieldElement.FromBytes(bytes[..32]));
        var p2 = Map(FieldElement.FromBytes(bytes[32..]));
        return new RistrettoPoint(p1.Add(p2));
    }

    /// <summary>
    /// RFC 9380 hash_to_ristretto255: expand_message_xmd(SHA-512) to 64 bytes, then the one-way map
    /// (suite <c>ristretto255_XMD:SHA-512_R255MAP_RO_</c>) under the domain-separation tag <paramref name="dst"/>.
    /// </summary>
    public static RistrettoPoint HashToGroup(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst)
    {
        Span<byte> uniform = stackalloc byte[64];
        ExpandMessageXmd.Sha512(message, dst, uniform);
        var element = FromUniformBytes(uniform);
        uniform.Clear();
        return element;
    }

    /// <summary>The canonical encoding (RFC 9496 section 4.3.2).</summary>
    public void Encode(Span<byte> destination)
    {
        var (x0, y0, z0, t0) = (_point.X, _point.Y, _point.Z, _point.T);
        var u1 = z0.Add(y0).Multiply(z0.Subtract(y0));
        var u2 = x0.Multiply(y0);
        var (_, invSqrt) = FieldElement.SqrtRatioM1(FieldElement.One, u1.Multiply(u2.Square()));
        var den1 = invSqrt.Multiply(u1);
        var den2 = invSqrt.Multiply(u2);
        var zInv = den1.Multiply(den2).Multiply(t0);
        var ix0 = x0.Multiply(FieldElement.SqrtM1);
        var iy0 = y0.Multiply(FieldElement.SqrtM1);
        var enchantedDenominator = den1.Multiply(InvSqrtAMinusD);
        var rotate = t0.Multiply(zInv).IsNegative();
        var x = FieldElement.Select(x0, iy0, rotate);
        var y = FieldElement.Select(y0, ix0, rotate);
        var denInv = FieldElement.Select(den2, enchantedDenominator, rotate);
        y = FieldElement.Select(y, y.Negate(), x.Multiply(zInv).IsNegative());
        var s = denInv.Multiply(z0.Subtract(y)).Abs();
        s.ToBytes(destination);
    }

    /// <summary>The canonical encoding as a new array.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        Encode(bytes);
        return bytes;
    }

    /// <summary>[scalar]this, in constant time.</summary>
    public RistrettoPoint Multiply(Scalar scalar)
    {
        ArgumentNullException.ThrowIfNull(scalar);
        return new RistrettoPoint(_point.Multiply(scalar.Bytes));
    }

    /// <summary>
    /// [scalar]P for every P of <paramref name="points"/>, into <paramref name="results"/> (the same length; it may
    /// be the same span), in constant time. With AVX-512 eight points go through the vector unit at once.
    /// </summary>
    public static void MultiplyBatch(ReadOnlySpan<RistrettoPoint> points, Scalar scalar, Span<RistrettoPoint> results)
    {
        ArgumentNullException.ThrowIfNull(scalar);
        if (results.Length != points.Length)
        {
            throw new ArgumentException("One result slot per point is needed.", nameof(results));
        }

        if (!FieldElement8.IsSupported)
        {
            for (var i = 0; i < points.Length; i++)
            {
                results[i] = points[i].Multiply(scalar);
            }

            return;
        }

        Span<EdwardsPoint> lanes = stackalloc EdwardsPoint[8];
        for (var start = 0; start < points.Length; start += 8)
        {
            var count = Math.Min(8, points.Length - start);
            for (var i = 0; i < 8; i++)
            {
                lanes[i] = i < count ? points[start + i]._point : EdwardsPoint.Identity;
            }

            EdwardsPoint8.Multiply(lanes, scalar.Bytes, lanes);
            for (var i = 0; i < count; i++)
            {
                results[start + i] = new RistrettoPoint(lanes[i]);
            }
        }

        lanes.Clear();
    }

    /// <summary>this + other.</summary>
    public RistrettoPoint Add(RistrettoPoint other) => new(_point.Add(other._point));

    /// <summary>-this.</summary>
    public RistrettoPoint Negate() => new(_point.Negate());

    /// <summary>Group equality (RFC 9496 section 4.3.3), in constant time.</summary>
    public bool Equals(RistrettoPoint other)
    {
        var a = _point.X.Multiply(other._point.Y).Equals(_point.Y.Multiply(other._point.X));
        var b = _point.Y.Multiply(other._point.Y).Equals(_point.X.Multiply(other._point.X));
        return a | b;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is RistrettoPoint other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        Span<byte> bytes = stackalloc byte[Size];
        Encode(bytes);
        return BitConverter.ToInt32(bytes);
    }

    /// <summary>Group equality.</summary>
    public static bool operator ==(RistrettoPoint left, RistrettoPoint right) => left.Equals(right);

    /// <summary>Group inequality.</summary>
    public static bool operator !=(RistrettoPoint left, RistrettoPoint right) => !left.Equals(right);

    /// <summary>RFC 9496 section 4.3.4 MAP: a field element to an edwards25519 point in the ristretto255 image.</summary>
    private static EdwardsPoint Map(in FieldElement t)
    {
        var one = FieldElement.One;
        var r = FieldElement.SqrtM1.Multiply(t.Square());
        var u = r.Add(one).Multiply(OneMinusDSquared);
        var v = one.Negate().Subtract(r.Multiply(FieldElement.D)).Multiply(r.Add(FieldElement.D));
        var (wasSquare, s) = FieldElement.SqrtRatioM1(u, v);
        var sPrime = s.Multiply(t).Abs().Negate();
        s = FieldElement.Select(sPrime, s, wasSquare);
        var c = FieldElement.Select(r, one.Negate(), wasSquare);
        var n = c.Multiply(r.Subtract(one)).Multiply(DMinusOneSquared).Subtract(v);
        var w0 = s.Add(s).Multiply(v);
        var w1 = n.Multiply(SqrtAdMinusOne);
        var sSquared = s.Square();
        var w2 = one.Subtract(sSquared);
        var w3 = one.Add(sSquared);
        return new EdwardsPoint(w0.Multiply(w3), w2.Multiply(w1), w1.Multiply(w3), w0.Multiply(w2));
    }
}
