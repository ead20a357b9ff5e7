using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PrivacyNode.Crypto.Ristretto;

/// <summary>
/// Four elements of GF(2^255 - 19), one per 64-bit lane of AVX2 vectors, in the radix 2^25.5 of
/// <see cref="FieldElement8"/> with the same limb bounds: results of <see cref="Multiply"/>, <see cref="Square"/>,
/// <see cref="Subtract"/> and <see cref="Carry"/> are carried (limbs below 2^26 + 2^14); inputs of a product may be
/// one <see cref="Add"/> of carried values (below 2^27 + 2^15). AVX2 has sixteen vector registers, too few for the
/// twenty limbs of a product's inputs, so products are summed one output column at a time from limbs read where they
/// are used. One generic implementation of both widths would be shorter, but RyuJIT spills it badly (a product took
/// 394 ns where this one takes 37). Callers check <see cref="IsSupported"/>. Every operation runs in constant time.
/// </summary>
internal struct FieldElement4 : IFieldElementLanes<FieldElement4>
{
    private const ulong Mask26 = (1UL << 26) - 1;
    private const ulong Mask25 = (1UL << 25) - 1;

    public Vector256<ulong> L0, L1, L2, L3, L4, L5, L6, L7, L8, L9;

    /// <inheritdoc/>
    public static int Count => 4;

    /// <inheritdoc/>
    public static bool IsSupported => Avx2.IsSupported;

    /// <inheritdoc/>
    public static FieldElement4 Broadcast(in FieldElement value)
    {
        Span<FieldElement> lanes = stackalloc FieldElement[4];
        lanes.Fill(value);
        return Load(lanes);
    }

    /// <inheritdoc/>
    public static FieldElement4 Load(ReadOnlySpan<FieldElement> lanes)
    {
        Span<ulong> limbs = stackalloc ulong[40];
        for (var lane = 0; lane < 4; lane++)
        {
            var f = lanes[lane].Carry();
            ReadOnlySpan<ulong> wide = [f.L0, f.L1, f.L2, f.L3, f.L4];
            for (var i = 0; i < 5; i++)
            {
                limbs[(8 * i) + lane] = wide[i] & Mask26;
                limbs[(8 * i) + 4 + lane] = wide[i] >> 26;
            }
        }

        FieldElement4 r;
        r.L0 = Vector256.Create<ulong>(limbs);
        r.L1 = Vector256.Create<ulong>(limbs[4..]);
        r.L2 = Vector256.Create<ulong>(limbs[8..]);
        r.L3 = Vector256.Create<ulong>(limbs[12..]);
        r.L4 = Vector256.Create<ulong>(limbs[16..]);
        r.L5 = Vector256.Create<ulong>(limbs[20..]);
        r.L6 = Vector256.Create<ulong>(limbs[24..]);
        r.L7 = Vector256.Create<ulong>(limbs[28..]);
        r.L8 = Vector256.Create<ulong>(limbs[32..]);
        r.L9 = Vector256.Create<ulong>(limbs[36..]);
        limbs.Clear();
        return r;
    }

    /// <inheritdoc/>
    public static void Store(in FieldElement4 value, Span<FieldElement> lanes)
    {
        var c = value.Carry();
        for (var lane = 0; lane < 4; lane++)
        {
            lanes[lane] = new FieldElement(
                c.L0[lane] + (c.L1[lane] << 26),
                c.L2[lane] + (c.L3[lane] << 26),
                c.L4[lane] + (c.L5[lane] << 26),
                c.L6[lane] + (c.L7[lane] << 26),
                c.L8[lane] + (c.L9[lane] << 26));
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(in FieldElement4 a, in FieldElement4 b, out FieldElement4 r)
    {
        Unsafe.SkipInit(out r);
        r.L0 = a.L0 + b.L0;
        r.L1 = a.L1 + b.L1;
        r.L2 = a.L2 + b.L2;
        r.L3 = a.L3 + b.L3;
        r.L4 = a.L4 + b.L4;
        r.L5 = a.L5 + b.L5;
        r.L6 = a.L6 + b.L6;
        r.L7 = a.L7 + b.L7;
        r.L8 = a.L8 + b.L8;
        r.L9 = a.L9 + b.L9;
    }

    /// <summary>r = a - b, carried, as a + 4p - b: no lane underflows for b below 2^27 + 2^15.</summary>
    public static void Subtract(in FieldElement4 a, in FieldElement4 b, out FieldElement4 r)
    {
        var p0 = Vector256.Create(4 * (Mask26 - 18));
        var pEven = Vector256.Create(4 * Mask26);
        var pOdd = Vector256.Create(4 * Mask25);
        Reduce(
            a.L0 + p0 - b.L0, a.L1 + pOdd - b.L1, a.L2 + pEven - b.L2, a.L3 + pOdd - b.L3, a.L4 + pEven - b.L4,
            a.L5 + pOdd - b.L5, a.L6 + pEven - b.L6, a.L7 + pOdd - b.L7, a.L8 + pEven - b.L8, a.L9 + pOdd - b.L9,
            out r);
    }

    /// <inheritdoc/>
    public static void Negate(in FieldElement4 a, out FieldElement4 r) => Subtract(default, a, out r);

    /// <inheritdoc/>
    public static void Multiply(in FieldElement4 a, in FieldElement4 b, out FieldElement4 r)
    {
        Unsafe.SkipInit(out r);
        MultiplyInto(a, b, ref r);
    }

    /// <inheritdoc/>
    public static void Square(in FieldElement4 a, out FieldElement4 r)
    {
        Unsafe.SkipInit(out r);
        SquareInto(a, ref r);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Select(in FieldElement4 a, in FieldElement4 b, ulong mask, out FieldElement4 r)
    {
        var m = Vector256.Create(mask);
        Unsafe.SkipInit(out r);
        r.L0 = Vector256.ConditionalSelect(m, b.L0, a.L0);
        r.L1 = Vector256.ConditionalSelect(m, b.L1, a.L1);
        r.L2 = Vector256.ConditionalSelect(m, b.L2, a.L2);
        r.L3 = Vector256.ConditionalSelect(m, b.L3, a.L3);
        r.L4 = Vector256.ConditionalSelect(m, b.L4, a.L4);
        r.L5 = Vector256.ConditionalSelect(m, b.L5, a.L5);
        r.L6 = Vector256.ConditionalSelect(m, b.L6, a.L6);
        r.L7 = Vector256.ConditionalSelect(m, b.L7, a.L7);
        r.L8 = Vector256.ConditionalSelect(m, b.L8, a.L8);
        r.L9 = Vector256.ConditionalSelect(m, b.L9, a.L9);
    }

    /// <summary>Limbs carried below 2^26 + 2^14 (any input limbs below 2^63).</summary>
    public readonly FieldElement4 Carry()
    {
        Reduce(L0, L1, L2, L3, L4, L5, L6, L7, L8, L9, out var r);
        return r;
    }

    /// <summary>
    /// r = f·g, where r is neither input. Column k sums the products f_i·g_j with i + j = k, plus 19 times those with i + j = k + 10
    /// (2^255 ≡ 19); a product of two odd limbs is doubled to align it. Each column takes the carry of the one
    /// before, and the carry out of the top folds into the bottom. With factors below 2^27 + 2^15 a column stays
    /// below 2^63. The result goes through a reference the JIT must assume may alias the inputs, so it reads each
    /// limb from memory where it is used instead of spilling twenty of them.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MultiplyInto(in FieldElement4 f, in FieldElement4 g, ref FieldElement4 r)
    {
        var m26 = Vector256.Create(Mask26);
        var m25 = Vector256.Create(Mask25);
        var h = M(f.L0, g.L0)
            + Times19(M(f.L2, g.L8) + M(f.L4, g.L6) + M(f.L6, g.L4) + M(f.L8, g.L2)
                + ((M(f.L1, g.L9) + M(f.L3, g.L7) + M(f.L5, g.L5) + M(f.L7, g.L3) + M(f.L9, g.L1)) << 1));
        r.L0 = h & m26;
        h = M(f.L0, g.L1) + M(f.L1, g.L0)
            + Times19(M(f.L2, g.L9) + M(f.L3, g.L8) + M(f.L4, g.L7) + M(f.L5, g.L6) + M(f.L6, g.L5) + M(f.L7, g.L4) + M(f.L8, g.L3) + M(f.L9, g.L2))
            + (h >>> 26);
        r.L1 = h & m25;
        h = M(f.L0, g.L2) + M(f.L2, g.L0) + (M(f.L1, g.L1) << 1)
            + Times19(M(f.L4, g.L8) + M(f.L6, g.L6) + M(f.L8, g.L4) + ((M(f.L3, g.L9) + M(f.L5, g.L7) + M(f.L7, g.L5) + M(f.L9, g.L3)) << 1))
            + (h >>> 25);
        r.L2 = h & m26;
        h = M(f.L0, g.L3) + M(f.L1, g.L2) + M(f.L2, g.L1) + M(f.L3, g.L0)
            + Times19(M(f.L4, g.L9) + M(f.L5, g.L8) + M(f.L6, g.L7) + M(f.L7, g.L6) + M(f.L8, g.L5) + M(f.L9, g.L4))
            + (h >>> 26);
        r.L3 = h & m25;
        h = M(f.L0, g.L4) + M(f.L2, g.L2) + M(f.L4, g.L0) + ((M(f.L1, g.L3) + M(f.L3, g.L1)) << 1)
            + Times19(M(f.L6, g.L8) + M(f.L8, g.L6) + ((M(f.L5, g.L9) + M(f.L7, g.L7) + M(f.L9, g.L5)) << 1))
            + (h >>> 25);
        r.L4 = h & m26;
        h = M(f.L0, g.L5) + M(f.L1, g.L4) + M(f.L2, g.L3) + M(f.L3, g.L2) + M(f.L4, g.L1) + M(f.L5, g.L0)
            + Times19(M(f.L6, g.L9) + M(f.L7, g.L8) + M(f.L8, g.L7) + M(f.L9, g.L6))
            + (h >>> 26);
        r.L5 = h & m25;
        h = M(f.L0, g.L6) + M(f.L2, g.L4) + M(f.L4, g.L2) + M(f.L6, g.L0) + ((M(f.L1, g.L5) + M(f.L3, g.L3) + M(f.L5, g.L1)) << 1)
            + Times19(M(f.L8, g.L8) + ((M(f.L7, g.L9) + M(f.L9, g.L7)) << 1))
            + (h >>> 25);
        r.L6 = h & m26;
        h = M(f.L0, g.L7) + M(f.L1, g.L6) + M(f.L2, g.L5) + M(f.L3, g.L4) + M(f.L4, g.L3) + M(f.L5, g.L2) + M(f.L6, g.L1) + M(f.L7, g.L0)
            + Times19(M(f.L8, g.L9) + M(f.L9, g.L8))
            + (h >>> 26);
        r.L7 = h & m25;
        h = M(f.L0, g.L8) + M(f.L2, g.L6) + M(f.L4, g.L4) + M(f.L6, g.L2) + M(f.L8, g.L0)
            + ((M(f.L1, g.L7) + M(f.L3, g.L5) + M(f.L5, g.L3) + M(f.L7, g.L1)) << 1)
            + Times19(M(f.L9, g.L9) << 1)
            + (h >>> 25);
        r.L8 = h & m26;
        h = M(f.L0, g.L9) + M(f.L1, g.L8) + M(f.L2, g.L7) + M(f.L3, g.L6) + M(f.L4, g.L5)
            + M(f.L5, g.L4) + M(f.L6, g.L3) + M(f.L7, g.L2) + M(f.L8, g.L1) + M(f.L9, g.L0)
            + (h >>> 26);
        r.L9 = h & m25;
        h = r.L0 + Times19(h >>> 25);
        r.L0 = h & m26;
        r.L1 += h >>> 26;
    }

    /// <summary>r = f², as <see cref="MultiplyInto"/> with each product of two different limbs computed once and doubled.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SquareInto(in FieldElement4 f, ref FieldElement4 r)
    {
        var m26 = Vector256.Create(Mask26);
        var m25 = Vector256.Create(Mask25);
        var h = M(f.L0, f.L0)
            + Times19(((M(f.L2, f.L8) + M(f.L4, f.L6) + M(f.L5, f.L5)) << 1) + ((M(f.L1, f.L9) + M(f.L3, f.L7)) << 2));
        r.L0 = h & m26;
        h = (M(f.L0, f.L1) << 1)
            + Times19((M(f.L2, f.L9) + M(f.L3, f.L8) + M(f.L4, f.L7) + M(f.L5, f.L6)) << 1)
            + (h >>> 26);
        r.L1 = h & m25;
        h = ((M(f.L0, f.L2) + M(f.L1, f.L1)) << 1)
            + Times19(M(f.L6, f.L6) + (M(f.L4, f.L8) << 1) + ((M(f.L3, f.L9) + M(f.L5, f.L7)) << 2))
            + (h >>> 25);
        r.L2 = h & m26;
        h = ((M(f.L0, f.L3) + M(f.L1, f.L2)) << 1)
            + Times19((M(f.L4, f.L9) + M(f.L5, f.L8) + M(f.L6, f.L7)) << 1)
            + (h >>> 26);
        r.L3 = h & m25;
        h = M(f.L2, f.L2) + (M(f.L0, f.L4) << 1) + (M(f.L1, f.L3) << 2)
            + Times19(((M(f.L6, f.L8) + M(f.L7, f.L7)) << 1) + (M(f.L5, f.L9) << 2))
            + (h >>> 25);
        r.L4 = h & m26;
        h = ((M(f.L0, f.L5) + M(f.L1, f.L4) + M(f.L2, f.L3)) << 1)
            + Times19((M(f.L6, f.L9) + M(f.L7, f.L8)) << 1)
            + (h >>> 26);
        r.L5 = h & m25;
        h = ((M(f.L0, f.L6) + M(f.L2, f.L4) + M(f.L3, f.L3)) << 1) + (M(f.L1, f.L5) << 2)
            + Times19(M(f.L8, f.L8) + (M(f.L7, f.L9) << 2))
            + (h >>> 25);
        r.L6 = h & m26;
        h = ((M(f.L0, f.L7) + M(f.L1, f.L6) + M(f.L2, f.L5) + M(f.L3, f.L4)) << 1)
            + Times19(M(f.L8, f.L9) << 1)
            + (h >>> 26);
        r.L7 = h & m25;
        h = M(f.L4, f.L4) + ((M(f.L0, f.L8) + M(f.L2, f.L6)) << 1) + ((M(f.L1, f.L7) + M(f.L3, f.L5)) << 2)
            + Times19(M(f.L9, f.L9) << 1)
            + (h >>> 25);
        r.L8 = h & m26;
        h = ((M(f.L0, f.L9) + M(f.L1, f.L8) + M(f.L2, f.L7) + M(f.L3, f.L6) + M(f.L4, f.L5)) << 1)
            + (h >>> 26);
        r.L9 = h & m25;
        h = r.L0 + Times19(h >>> 25);
        r.L0 = h & m26;
        r.L1 += h >>> 26;
    }

    /// <summary>The low 32 bits of each lane of a and b multiplied into 64 bits (VPMULUDQ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> M(Vector256<ulong> a, Vector256<ulong> b) => Avx2.Multiply(a.AsUInt32(), b.AsUInt32());

    /// <summary>19·x for lanes too wide for VPMULUDQ (below 2^59).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Times19(Vector256<ulong> x) => x + (x << 1) + (x << 4);

    /// <summary>Two interleaved carry chains (0→5 and 4→9→0), then 0→1 once more.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Reduce(
        Vector256<ulong> h0, Vector256<ulong> h1, Vector256<ulong> h2, Vector256<ulong> h3, Vector256<ulong> h4,
        Vector256<ulong> h5, Vector256<ulong> h6, Vector256<ulong> h7, Vector256<ulong> h8, Vector256<ulong> h9,
        out FieldElement4 r)
    {
        var m26 = Vector256.Create(Mask26);
        var m25 = Vector256.Create(Mask25);
        h1 += h0 >>> 26;
        h0 &= m26;
        h5 += h4 >>> 26;
        h4 &= m26;
        h2 += h1 >>> 25;
        h1 &= m25;
        h6 += h5 >>> 25;
        h5 &= m25;
        h3 += h2 >>> 26;
        h2 &= m26;
        h7 += h6 >>> 26;
        h6 &= m26;
        h4 += h3 >>> 25;
        h3 &= m25;
        h8 += h7 >>> 25;
        h7 &= m25;
        h5 += h4 >>> 26;
        h4 &= m26;
        h9 += h8 >>> 26;
        h8 &= m26;
        h0 += Times19(h9 >>> 25);
        h9 &= m25;
        h1 += h0 >>> 26;
        h0 &= m26;

        Unsafe.SkipInit(out r);
        (r.L0, r.L1, r.L2, r.L3, r.L4, r.L5, r.L6, r.L7, r.L8, r.L9) = (h0, h1, h2, h3, h4, h5, h6, h7, h8, h9);
    }
}
