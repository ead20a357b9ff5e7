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

    /// <summary>Elements per exponentiation batch of the batch methods, held on the stack.</summary>
    private const int BatchChunk = 64;

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
        var power = default(FieldElement);
        if (!DecodePass(encoded, ref power, raised: false, out element))
        {
            return false;
        }

        power = power.PowP58();
        return DecodePass(encoded, ref power, raised: true, out element);
    }

    /// <summary>
    /// Decodes <c>encoded.Length / Size</c> elements into <paramref name="elements"/>, their exponentiations a batch
    /// at a time (<see cref="FieldElementBatch"/>); false with the index of an element that does not decode.
    /// </summary>
    internal static bool TryDecodeBatch(ReadOnlySpan<byte> encoded, Span<RistrettoPoint> elements, out int invalid)
    {
        Span<FieldElement> powers = stackalloc FieldElement[BatchChunk];
        for (var start = 0; start < elements.Length; start += BatchChunk)
        {
            var count = Math.Min(BatchChunk, elements.Length - start);
            for (var i = 0; i < count; i++)
            {
                if (!DecodePass(encoded.Slice((start + i) * Size, Size), ref powers[i], raised: false, out _))
                {
                    invalid = start + i;
                    return false;
                }
            }

            FieldElementBatch.PowP58(powers[..count]);
            for (var i = 0; i < count; i++)
            {
                if (!DecodePass(encoded.Slice((start + i) * Size, Size), ref powers[i], raised: true, out elements[start + i]))
                {
                    invalid = start + i;
                    return false;
                }
            }
        }

        invalid = -1;
        return true;
    }

    /// <summary>
    /// DECODE in two passes around its one exponentiation, so that a batch raises all of its elements at once. The
    /// first pass (<paramref name="raised"/> false) checks the bytes and sets <paramref name="power"/> to the value to
    /// raise to (p-5)/8; the second, given that power, finishes. Either returns false for bytes that do not decode.
    /// </summary>
    private static bool DecodePass(ReadOnlySpan<byte> encoded, ref FieldElement power, bool raised, out RistrettoPoint element)
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
        var ratio = v.Multiply(u2Squared);
        if (!raised)
        {
            power = FieldElement.SqrtRatioM1Base(FieldElement.One, ratio);
            return true;
        }

        var (wasSquare, invSqrt) = FieldElement.SqrtRatioM1(FieldElement.One, ratio, power);
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

        Span<RistrettoPoint> element = stackalloc RistrettoPoint[1];
        FromUniformBytesBatch(bytes, element);
        return element[0];
    }

    /// <summary>
    /// <see cref="FromUniformBytes"/> of each 64 bytes of <paramref name="uniform"/> into <paramref name="elements"/>,
    /// their exponentiations (two per element) a batch at a time (<see cref="FieldElementBatch"/>).
    /// </summary>
    internal static void FromUniformBytesBatch(ReadOnlySpan<byte> uniform, Span<RistrettoPoint> elements)
    {
        Span<FieldElement> powers = stackalloc FieldElement[2 * BatchChunk];
        for (var start = 0; start < elements.Length; start += BatchChunk)
        {
            var count = Math.Min(BatchChunk, elements.Length - start);
            var halves = uniform.Slice(start * 64, count * 64);
            for (var i = 0; i < 2 * count; i++)
            {
                MapPass(FieldElement.FromBytes(halves.Slice(i * 32, 32)), ref powers[i], raised: false);
            }

            FieldElementBatch.PowP58(powers[..(2 * count)]);
            for (var i = 0; i < count; i++)
            {
                var p1 = MapPass(FieldElement.FromBytes(halves.Slice(i * 64, 32)), ref powers[2 * i], raised: true);
                var p2 = MapPass(FieldElement.FromBytes(halves.Slice((i * 64) + 32, 32)), ref powers[(2 * i) + 1], raised: true);
                elements[start + i] = new RistrettoPoint(p1.Add(p2));
            }
        }

        powers.Clear();
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

    /// <summary><see cref="HashToGroup"/> of each message into <paramref name="elements"/>, the maps a batch at a time.</summary>
    internal static void HashToGroupBatch(IReadOnlyList<byte[]> messages, ReadOnlySpan<byte> dst, Span<RistrettoPoint> elements)
    {
        Span<byte> uniform = stackalloc byte[64 * BatchChunk];
        for (var start = 0; start < elements.Length; start += BatchChunk)
        {
            var count = Math.Min(BatchChunk, elements.Length - start);
            for (var i = 0; i < count; i++)
            {
                ExpandMessageXmd.Sha512(messages[start + i], dst, uniform.Slice(i * 64, 64));
            }

            FromUniformBytesBatch(uniform[..(count * 64)], elements.Slice(start, count));
        }

        uniform.Clear();
    }

    /// <summary>The canonical encoding (RFC 9496 section 4.3.2).</summary>
    public void Encode(Span<byte> destination)
    {
        var power = default(FieldElement);
        EncodePass(_point, ref power, raised: false, destination);
        power = power.PowP58();
        EncodePass(_point, ref power, raised: true, destination);
    }

    /// <summary>The encodings of <paramref name="elements"/>, concatenated, their exponentiations a batch at a time.</summary>
    internal static void EncodeBatch(ReadOnlySpan<RistrettoPoint> elements, Span<byte> destination)
    {
        Span<FieldElement> powers = stackalloc FieldElement[BatchChunk];
        for (var start = 0; start < elements.Length; start += BatchChunk)
        {
            var count = Math.Min(BatchChunk, elements.Length - start);
            for (var i = 0; i < count; i++)
            {
                EncodePass(elements[start + i]._point, ref powers[i], raised: false, default);
            }

            FieldElementBatch.PowP58(powers[..count]);
            for (var i = 0; i < count; i++)
            {
                EncodePass(elements[start + i]._point, ref powers[i], raised: true, destination.Slice((start + i) * Size, Size));
            }
        }
    }

    /// <summary>ENCODE in two passes around its one exponentiation, as <see cref="DecodePass"/>; the second pass writes the bytes.</summary>
    private static void EncodePass(in EdwardsPoint point, ref FieldElement power, bool raised, Span<byte> destination)
    {
        var (x0, y0, z0, t0) = (point.X, point.Y, point.Z, point.T);
        var u1 = z0.Add(y0).Multiply(z0.Subtract(y0));
        var u2 = x0.Multiply(y0);
        var ratio = u1.Multiply(u2.Square());
        if (!raised)
        {
            power = FieldElement.SqrtRatioM1Base(FieldElement.One, ratio);
            return;
        }

        var (_, invSqrt) = FieldElement.SqrtRatioM1(FieldElement.One, ratio, power);
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
    /// be the same span), in constant time. Eight points at once go through the vector unit with AVX-512, four with AVX2.
    /// </summary>
    public static void MultiplyBatch(ReadOnlySpan<RistrettoPoint> points, Scalar scalar, Span<RistrettoPoint> results)
    {
        ArgumentNullException.ThrowIfNull(scalar);
        if (results.Length != points.Length)
        {
            throw new ArgumentException("One result slot per point is needed.", nameof(results));
        }

        if (FieldElement8.IsSupported)
        {
            MultiplyLanes<FieldElement8>(points, scalar, results);
        }
        else if (FieldElement4.IsSupported)
        {
            MultiplyLanes<FieldElement4>(points, scalar, results);
        }
        else
        {
            for (var i = 0; i < points.Length; i++)
            {
                results[i] = points[i].Multiply(scalar);
            }
        }
    }

    /// <summary><see cref="MultiplyBatch"/> through <typeparamref name="TField"/>, the last group padded with the identity.</summary>
    internal static void MultiplyLanes<TField>(ReadOnlySpan<RistrettoPoint> points, Scalar scalar, Span<RistrettoPoint> results)
        where TField : unmanaged, IFieldElementLanes<TField>
    {
        var width = TField.Count;
        Span<EdwardsPoint> lanes = stackalloc EdwardsPoint[width];
        for (var start = 0; start < points.Length; start += width)
        {
            var count = Math.Min(width, points.Length - start);
            for (var i = 0; i < width; i++)
            {
                lanes[i] = i < count ? points[start + i]._point : EdwardsPoint.Identity;
            }

            EdwardsPointLanes<TField>.Multiply(lanes, scalar.Bytes, lanes);
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

    /// <summary>
    /// RFC 9496 section 4.3.4 MAP: a field element to an edwards25519 point in the ristretto255 image, in two passes
    /// around its one exponentiation as <see cref="DecodePass"/> (the first returns the identity).
    /// </summary>
    private static EdwardsPoint MapPass(in FieldElement t, ref FieldElement power, bool raised)
    {
        var one = FieldElement.One;
        var r = FieldElement.SqrtM1.Multiply(t.Square());
        var u = r.Add(one).Multiply(OneMinusDSquared);
        var v = one.Negate().Subtract(r.Multiply(FieldElement.D)).Multiply(r.Add(FieldElement.D));
        if (!raised)
        {
            power = FieldElement.SqrtRatioM1Base(u, v);
            return EdwardsPoint.Identity;
        }

        var (wasSquare, s) = FieldElement.SqrtRatioM1(u, v, power);
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
