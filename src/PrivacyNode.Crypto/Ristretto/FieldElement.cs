using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;

namespace PrivacyNode.Crypto.Ristretto;

/// <summary>
/// An element of GF(2^255 - 19) in radix 2^51: five 64-bit limbs. Results of <see cref="Multiply"/> and
/// <see cref="Square"/> have limbs below 2^52; inputs may have limbs up to 2^54, so one addition or
/// subtraction may sit between multiplications without a carry. Every operation runs in constant time.
/// </summary>
internal readonly struct FieldElement
{
    private const ulong Mask51 = (1UL << 51) - 1;

    public static readonly FieldElement Zero;
    public static readonly FieldElement One = new(1, 0, 0, 0, 0);

    /// <summary>The curve constant d = -121665/121666.</summary>
    public static readonly FieldElement D = FromHex("a3785913ca4deb75abd841414d0a700098e879777940c78c73fe6f2bee6c0352");

    /// <summary>2d.</summary>
    public static readonly FieldElement D2 = D.Add(D).Carry();

    /// <summary>sqrt(-1).</summary>
    public static readonly FieldElement SqrtM1 = FromHex("b0a00e4a271beec478e42fad0618432fa7d7fb3d99004d2b0bdfc14f8024832b");

    internal readonly ulong L0, L1, L2, L3, L4;

    public FieldElement(ulong l0, ulong l1, ulong l2, ulong l3, ulong l4)
    {
        L0 = l0;
        L1 = l1;
        L2 = l2;
        L3 = l3;
        L4 = l4;
    }

    /// <summary>The low 255 bits of 32 little-endian bytes (the top bit is ignored; values up to 2^255 - 1 are accepted).</summary>
    public static FieldElement FromBytes(ReadOnlySpan<byte> bytes)
    {
        var w0 = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var w1 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
        var w2 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]);
        var w3 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]);
        return new FieldElement(
            w0 & Mask51,
            ((w0 >> 51) | (w1 << 13)) & Mask51,
            ((w1 >> 38) | (w2 << 26)) & Mask51,
            ((w2 >> 25) | (w3 << 39)) & Mask51,
            (w3 >> 12) & Mask51);
    }

    /// <summary>The canonical (fully reduced) 32-byte little-endian encoding.</summary>
    public void ToBytes(Span<byte> destination)
    {
        var h = Carry();
        var (l0, l1, l2, l3, l4) = (h.L0, h.L1, h.L2, h.L3, h.L4);

        // h < 2^255 + small; q is 1 exactly when h >= p, found by propagating h + 19.
        var q = (l0 + 19) >> 51;
        q = (l1 + q) >> 51;
        q = (l2 + q) >> 51;
        q = (l3 + q) >> 51;
        q = (l4 + q) >> 51;

        l0 += 19 * q;
        l1 += l0 >> 51;
        l0 &= Mask51;
        l2 += l1 >> 51;
        l1 &= Mask51;
        l3 += l2 >> 51;
        l2 &= Mask51;
        l4 += l3 >> 51;
        l3 &= Mask51;
        l4 &= Mask51;

        BinaryPrimitives.WriteUInt64LittleEndian(destination, l0 | (l1 << 51));
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], (l1 >> 13) | (l2 << 38));
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], (l2 >> 26) | (l3 << 25));
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], (l3 >> 39) | (l4 << 12));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public FieldElement Add(in FieldElement b) => new(L0 + b.L0, L1 + b.L1, L2 + b.L2, L3 + b.L3, L4 + b.L4);

    /// <summary>this - b, computed as this + 16p - b so that no limb underflows for inputs below 2^54.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public FieldElement Subtract(in FieldElement b) => new FieldElement(
        (L0 + 0x7FFFFFFFFFFED0UL) - b.L0,
        (L1 + 0x7FFFFFFFFFFFF0UL) - b.L1,
        (L2 + 0x7FFFFFFFFFFFF0UL) - b.L2,
        (L3 + 0x7FFFFFFFFFFFF0UL) - b.L3,
        (L4 + 0x7FFFFFFFFFFFF0UL) - b.L4).Carry();

    public FieldElement Negate() => Zero.Subtract(this);

    /// <summary>Propagates carries so every limb is below 2^51 + 2^13.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public FieldElement Carry()
    {
        ulong l0 = L0, l1 = L1, l2 = L2, l3 = L3, l4 = L4;
        l1 += l0 >> 51;
        l0 &= Mask51;
        l2 += l1 >> 51;
        l1 &= Mask51;
        l3 += l2 >> 51;
        l2 &= Mask51;
        l4 += l3 >> 51;
        l3 &= Mask51;
        l0 += 19 * (l4 >> 51);
        l4 &= Mask51;
        return new FieldElement(l0, l1, l2, l3, l4);
    }

    /// <summary>
    /// this·b: schoolbook columns with 2^255 ≡ 19 folded in (column k sums a_i·b_j for i + j = k and 19·a_i·b_j
    /// for i + j = k + 5, below 2^115 for limbs below 2^54), summed independently and then carried. Not inlined on purpose: in
    /// point formulas the body would exhaust the JIT's inlining budget and leave calls behind.
    /// </summary>
    public FieldElement Multiply(in FieldElement b)
    {
        ulong a0 = L0, a1 = L1, a2 = L2, a3 = L3, a4 = L4;
        ulong b0 = b.L0, b1 = b.L1, b2 = b.L2, b3 = b.L3, b4 = b.L4;
        ulong b1x = b1 * 19, b2x = b2 * 19, b3x = b3 * 19, b4x = b4 * 19;

        var (h0, l0) = Mul(a0, b0);
        MulAdd(ref h0, ref l0, a1, b4x);
        MulAdd(ref h0, ref l0, a2, b3x);
        MulAdd(ref h0, ref l0, a3, b2x);
        MulAdd(ref h0, ref l0, a4, b1x);
        var (h1, l1) = Mul(a0, b1);
        MulAdd(ref h1, ref l1, a1, b0);
        MulAdd(ref h1, ref l1, a2, b4x);
        MulAdd(ref h1, ref l1, a3, b3x);
        MulAdd(ref h1, ref l1, a4, b2x);
        var (h2, l2) = Mul(a0, b2);
        MulAdd(ref h2, ref l2, a1, b1);
        MulAdd(ref h2, ref l2, a2, b0);
        MulAdd(ref h2, ref l2, a3, b4x);
        MulAdd(ref h2, ref l2, a4, b3x);
        var (h3, l3) = Mul(a0, b3);
        MulAdd(ref h3, ref l3, a1, b2);
        MulAdd(ref h3, ref l3, a2, b1);
        MulAdd(ref h3, ref l3, a3, b0);
        MulAdd(ref h3, ref l3, a4, b4x);
        var (h4, l4) = Mul(a0, b4);
        MulAdd(ref h4, ref l4, a1, b3);
        MulAdd(ref h4, ref l4, a2, b2);
        MulAdd(ref h4, ref l4, a3, b1);
        MulAdd(ref h4, ref l4, a4, b0);
        return Carry(h0, l0, h1, l1, h2, l2, h3, l3, h4, l4);
    }

    /// <summary>this², as <see cref="Multiply"/> with the symmetric products doubled.</summary>
    public FieldElement Square()
    {
        ulong a0 = L0, a1 = L1, a2 = L2, a3 = L3, a4 = L4;
        ulong d0 = a0 * 2, d1 = a1 * 2, d2x = a2 * 38, d3x = a3 * 38, a3x = a3 * 19, a4x = a4 * 19;

        var (h0, l0) = Mul(a0, a0);
        MulAdd(ref h0, ref l0, d1, a4x);
        MulAdd(ref h0, ref l0, d2x, a3);
        var (h1, l1) = Mul(d0, a1);
        MulAdd(ref h1, ref l1, d2x, a4);
        MulAdd(ref h1, ref l1, a3, a3x);
        var (h2, l2) = Mul(d0, a2);
        MulAdd(ref h2, ref l2, a1, a1);
        MulAdd(ref h2, ref l2, d3x, a4);
        var (h3, l3) = Mul(d0, a3);
        MulAdd(ref h3, ref l3, d1, a2);
        MulAdd(ref h3, ref l3, a4, a4x);
        var (h4, l4) = Mul(d0, a4);
        MulAdd(ref h4, ref l4, d1, a3);
        MulAdd(ref h4, ref l4, a2, a2);
        return Carry(h0, l0, h1, l1, h2, l2, h3, l3, h4, l4);
    }

    /// <summary>this^(2^k).</summary>
    public FieldElement SquareTimes(int k)
    {
        var r = this;
        for (var i = 0; i < k; i++)
        {
            r = r.Square();
        }

        return r;
    }

    /// <summary>1/this (0 for 0), as this^(p-2).</summary>
    public FieldElement Invert()
    {
        var (t19, t3) = Pow22501();
        return t19.SquareTimes(5).Multiply(t3);
    }

    /// <summary>this^((p-5)/8) = this^(2^252 - 3), the core of square roots.</summary>
    public FieldElement PowP58()
    {
        var (t19, _) = Pow22501();
        return t19.SquareTimes(2).Multiply(this);
    }

    /// <summary>
    /// RFC 9496 SQRT_RATIO_M1: (true, +sqrt(u/v)) if u/v is square, (false, +sqrt(i*u/v)) otherwise;
    /// (true, 0) if u is 0 and (false, 0) if v is 0 and u is not.
    /// </summary>
    public static (bool WasSquare, FieldElement Root) SqrtRatioM1(in FieldElement u, in FieldElement v) =>
        SqrtRatioM1(u, v, SqrtRatioM1Base(u, v).PowP58());

    /// <summary>u·v^7: what <see cref="SqrtRatioM1(in FieldElement, in FieldElement)"/> raises to (p-5)/8, so a batch can raise many at once.</summary>
    public static FieldElement SqrtRatioM1Base(in FieldElement u, in FieldElement v)
    {
        var v3 = v.Square().Multiply(v);
        return u.Multiply(v3.Square().Multiply(v));
    }

    /// <summary>SQRT_RATIO_M1 given <paramref name="power"/> = <see cref="SqrtRatioM1Base"/>(u, v)^((p-5)/8).</summary>
    public static (bool WasSquare, FieldElement Root) SqrtRatioM1(in FieldElement u, in FieldElement v, in FieldElement power)
    {
        var r = u.Multiply(v.Square().Multiply(v)).Multiply(power);
        var check = v.Multiply(r.Square());

        var uNeg = u.Negate();
        var correctSign = check.Equals(u);
        var flippedSign = check.Equals(uNeg);
        var flippedSignI = check.Equals(uNeg.Multiply(SqrtM1));

        r = Select(r, SqrtM1.Multiply(r), flippedSign | flippedSignI);
        return (correctSign | flippedSign, r.Abs());
    }

    /// <summary>Whether the canonical encoding is odd (RFC 9496 IS_NEGATIVE).</summary>
    public bool IsNegative()
    {
        Span<byte> bytes = stackalloc byte[32];
        ToBytes(bytes);
        return (bytes[0] & 1) == 1;
    }

    public bool IsZero()
    {
        Span<byte> bytes = stackalloc byte[32];
        ToBytes(bytes);
        return CryptographicOperations.FixedTimeEquals(bytes, stackalloc byte[32]);
    }

    /// <summary>Constant-time equality of the represented values.</summary>
    public bool Equals(in FieldElement other)
    {
        Span<byte> a = stackalloc byte[32];
        Span<byte> b = stackalloc byte[32];
        ToBytes(a);
        other.ToBytes(b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }

    /// <summary>|this|: the non-negative one of this and -this (RFC 9496 CT_ABS).</summary>
    public FieldElement Abs() => Select(this, Negate(), IsNegative());

    /// <summary><paramref name="b"/> if <paramref name="choose"/>, else <paramref name="a"/>, without branching.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FieldElement Select(in FieldElement a, in FieldElement b, bool choose)
    {
        var mask = 0UL - (ulong)(choose ? 1 : 0);
        return new FieldElement(
            a.L0 ^ (mask & (a.L0 ^ b.L0)),
            a.L1 ^ (mask & (a.L1 ^ b.L1)),
            a.L2 ^ (mask & (a.L2 ^ b.L2)),
            a.L3 ^ (mask & (a.L3 ^ b.L3)),
            a.L4 ^ (mask & (a.L4 ^ b.L4)));
    }

    /// <summary>A constant from its 32-byte little-endian hex encoding.</summary>
    public static FieldElement FromHex(string hex) => FromBytes(Convert.FromHexString(hex));

    /// <summary>(hi, lo) += a·b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MulAdd(ref ulong hi, ref ulong lo, ulong a, ulong b)
    {
        var (high, low) = Mul(a, b);
        lo += low;
        hi += high + (lo < low ? 1UL : 0UL);
    }

    /// <summary>(hi, lo) += c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddCarry(ref ulong hi, ref ulong lo, ulong c)
    {
        lo += c;
        hi += lo < c ? 1UL : 0UL;
    }

    /// <summary>
    /// The 128-bit product. With BMI2 the high half is MULX's and the low half a plain IMUL: both are
    /// intrinsics, so nothing is left to the inliner and nothing goes through memory. Without BMI2 it is
    /// <see cref="MulPortable"/>; the two are the only code that differs between the paths, and tests hold them equal.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (ulong High, ulong Low) Mul(ulong a, ulong b) =>
        Bmi2.X64.IsSupported ? (Bmi2.X64.MultiplyNoFlags(a, b), a * b) : MulPortable(a, b);

    /// <summary>The 128-bit product through <see cref="Math.BigMul(ulong, ulong, out ulong)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (ulong High, ulong Low) MulPortable(ulong a, ulong b)
    {
        var high = Math.BigMul(a, b, out var low);
        return (high, low);
    }

    /// <summary>
    /// Five 128-bit column sums carried into limbs below 2^52: one pass from the bottom limb up, the carry out of
    /// the top folded back in (2^255 ≡ 19). The columns are summed independently before it, so the processor
    /// overlaps them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static FieldElement Carry(ulong h0, ulong l0, ulong h1, ulong l1, ulong h2, ulong l2, ulong h3, ulong l3, ulong h4, ulong l4)
    {
        var r0 = l0 & Mask51;
        AddCarry(ref h1, ref l1, (h0 << 13) | (l0 >> 51));
        var r1 = l1 & Mask51;
        AddCarry(ref h2, ref l2, (h1 << 13) | (l1 >> 51));
        var r2 = l2 & Mask51;
        AddCarry(ref h3, ref l3, (h2 << 13) | (l2 >> 51));
        var r3 = l3 & Mask51;
        AddCarry(ref h4, ref l4, (h3 << 13) | (l3 >> 51));
        var r4 = l4 & Mask51;
        r0 += ((h4 << 13) | (l4 >> 51)) * 19;
        r1 += r0 >> 51;
        r0 &= Mask51;
        return new FieldElement(r0, r1, r2, r3, r4);
    }

    /// <summary>(this^(2^250 - 1), this^11): the shared prefix of the inversion and square-root chains.</summary>
    private (FieldElement T19, FieldElement T3) Pow22501()
    {
        var t0 = Square();                          // 2
        var t1 = t0.SquareTimes(2);                 // 8
        var t2 = Multiply(t1);                      // 9
        var t3 = t0.Multiply(t2);                   // 11
        var t4 = t3.Square();                       // 22
        var t5 = t2.Multiply(t4);                   // 31 = 2^5 - 1
        var t7 = t5.SquareTimes(5).Multiply(t5);    // 2^10 - 1
        var t9 = t7.SquareTimes(10).Multiply(t7);   // 2^20 - 1
        var t11 = t9.SquareTimes(20).Multiply(t9);  // 2^40 - 1
        var t13 = t11.SquareTimes(10).Multiply(t7); // 2^50 - 1
        var t15 = t13.SquareTimes(50).Multiply(t13); // 2^100 - 1
        var t17 = t15.SquareTimes(100).Multiply(t15); // 2^200 - 1
        var t19 = t17.SquareTimes(50).Multiply(t13); // 2^250 - 1
        return (t19, t3);
    }
}
