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
        if (!DecodeStart(encoded, out var state, out var power))
        {
            element = Identity;
            return false;
        }

        return DecodeFinish(state, power.PowP58(), out element);
    }

    /// <summary>
    /// Decodes <c>encoded.Length / Size</c> elements into <paramref name="elements"/>, their exponentiations a batch
    /// at a time (<see cref="FieldElementBatch"/>); false with the index of an element that does not decode.
    /// </summary>
    internal static bool TryDecodeBatch(ReadOnlySpan<byte> encoded, Span<RistrettoPoint> elements, out int invalid)
    {
        var chunk = Math.Min(BatchChunk, elements.Length);
        Span<DecodeState> states = stackalloc DecodeState[chunk];
        Span<FieldElement> powers = stackalloc FieldElement[chunk];
        for (var start = 0; start < elements.Length; start += chunk)
        {
            var count = Math.Min(chunk, elements.Length - start);
            for (var i = 0; i < count; i++)
            {
                if (!DecodeStart(encoded.Slice((start + i) * Size, Size), out states[i], out powers[i]))
                {
                    invalid = start + i;
                    return false;
                }
            }

            FieldElementBatch.PowP58(powers[..count]);
            for (var i = 0; i < count; i++)
            {
                if (!DecodeFinish(states[i], powers[i], out elements[start + i]))
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
    /// DECODE up to its one exponentiation, so that a batch raises all of its elements at once: false for bytes that are
    /// not a canonical non-negative field element; else the values the rest needs, and <paramref name="power"/> to raise
    /// to (p-5)/8.
    /// </summary>
    private static bool DecodeStart(ReadOnlySpan<byte> encoded, out DecodeState state, out FieldElement power)
    {
        state = default;
        power = default;
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
        state.S = s;
        state.U1 = FieldElement.One.Subtract(ss);
        state.U2 = FieldElement.One.Add(ss);
        var u2Squared = state.U2.Square();
        state.V = FieldElement.D.Multiply(state.U1.Square()).Negate().Subtract(u2Squared);
        state.Ratio = state.V.Multiply(u2Squared);
        power = FieldElement.SqrtRatioM1Base(FieldElement.One, state.Ratio);
        return true;
    }

    /// <summary>The rest of DECODE, given <paramref name="power"/> raised to (p-5)/8; false when the bytes do not decode.</summary>
    private static bool DecodeFinish(in DecodeState state, in FieldElement power, out RistrettoPoint element)
    {
        var (wasSquare, invSqrt) = FieldElement.SqrtRatioM1(FieldElement.One, state.Ratio, power);
        var denX = invSqrt.Multiply(state.U2);
        var denY = invSqrt.Multiply(denX).Multiply(state.V);
        var x = state.S.Add(state.S).Multiply(denX).Abs();
        var y = state.U1.Multiply(denY);
        var t = x.Multiply(y);
        if (!wasSquare | t.IsNegative() | y.IsZero())
        {
            element = Identity;
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
        var chunk = Math.Min(BatchChunk, elements.Length);
        Span<MapState> states = stackalloc MapState[2 * chunk];
        Span<FieldElement> powers = stackalloc FieldElement[2 * chunk];
        for (var start = 0; start < elements.Length; start += chunk)
        {
            var count = Math.Min(chunk, elements.Length - start);
            var halves = uniform.Slice(start * 64, count * 64);
            for (var i = 0; i < 2 * count; i++)
            {
                MapStart(FieldElement.FromBytes(halves.Slice(i * 32, 32)), out states[i], out powers[i]);
            }

            FieldElementBatch.PowP58(powers[..(2 * count)]);
            for (var i = 0; i < count; i++)
            {
                elements[start + i] = new RistrettoPoint(MapFinish(states[2 * i], powers[2 * i]).Add(MapFinish(states[(2 * i) + 1], powers[(2 * i) + 1])));
            }
        }

        states.Clear();
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
        var chunk = Math.Min(BatchChunk, elements.Length);
        Span<byte> uniform = stackalloc byte[64 * chunk];
        for (var start = 0; start < elements.Length; start += chunk)
        {
            var count = Math.Min(chunk, elements.Length - start);
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
        EncodeStart(_point, out var state, out var power);
        EncodeFinish(_point, state, power.PowP58(), destination);
    }

    /// <summary>The encodings of <paramref name="elements"/>, concatenated, their exponentiations a batch at a time.</summary>
    internal static void EncodeBatch(ReadOnlySpan<RistrettoPoint> elements, Span<byte> destination)
    {
        var chunk = Math.Min(BatchChunk, elements.Length);
        Span<EncodeState> states = stackalloc EncodeState[chunk];
        Span<FieldElement> powers = stackalloc FieldElement[chunk];
        for (var start = 0; start < elements.Length; start += chunk)
        {
            var count = Math.Min(chunk, elements.Length - start);
            for (var i = 0; i < count; i++)
            {
                EncodeStart(elements[start + i]._point, out states[i], out powers[i]);
            }

            FieldElementBatch.PowP58(powers[..count]);
            for (var i = 0; i < count; i++)
            {
                EncodeFinish(elements[start + i]._point, states[i], powers[i], destination.Slice((start + i) * Size, Size));
            }
        }
    }

    /// <summary>ENCODE up to its one exponentiation, as <see cref="DecodeStart"/>.</summary>
    private static void EncodeStart(in EdwardsPoint point, out EncodeState state, out FieldElement power)
    {
        state.U1 = point.Z.Add(point.Y).Multiply(point.Z.Subtract(point.Y));
        state.U2 = point.X.Multiply(point.Y);
        state.Ratio = state.U1.Multiply(state.U2.Square());
        power = FieldElement.SqrtRatioM1Base(FieldElement.One, state.Ratio);
    }

    /// <summary>The rest of ENCODE, given <paramref name="power"/> raised to (p-5)/8: writes the 32 bytes.</summary>
    private static void EncodeFinish(in EdwardsPoint point, in EncodeState state, in FieldElement power, Span<byte> destination)
    {
        var (x0, y0, z0, t0) = (point.X, point.Y, point.Z, point.T);
        var (_, invSqrt) = FieldElement.SqrtRatioM1(FieldElement.One, state.Ratio, power);
        var den1 = invSqrt.Multiply(state.U1);
        var den2 = invSqrt.Multiply(state.U2);
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

    /// <summary>RFC 9496 section 4.3.4 MAP up to its one exponentiation, as <see cref="DecodeStart"/>.</summary>
    private static void MapStart(in FieldElement t, out MapState state, out FieldElement power)
    {
        state.T = t;
        state.R = FieldElement.SqrtM1.Multiply(t.Square());
        state.U = state.R.Add(FieldElement.One).Multiply(OneMinusDSquared);
        state.V = FieldElement.One.Negate().Subtract(state.R.Multiply(FieldElement.D)).Multiply(state.R.Add(FieldElement.D));
        power = FieldElement.SqrtRatioM1Base(state.U, state.V);
    }

    /// <summary>The rest of MAP, given <paramref name="power"/> raised to (p-5)/8: an edwards25519 point in the ristretto255 image.</summary>
    private static EdwardsPoint MapFinish(in MapState state, in FieldElement power)
    {
        var one = FieldElement.One;
        var (t, r, v) = (state.T, state.R, state.V);
        var (wasSquare, s) = FieldElement.SqrtRatioM1(state.U, v, power);
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

    /// <summary>What DECODE keeps across its exponentiation.</summary>
    private struct DecodeState
    {
        public FieldElement S, U1, U2, V, Ratio;
    }

    /// <summary>What ENCODE keeps across its exponentiation.</summary>
    private struct EncodeState
    {
        public FieldElement U1, U2, Ratio;
    }

    /// <summary>What MAP keeps across its exponentiation.</summary>
    private struct MapState
    {
        public FieldElement T, R, U, V;
    }
}
