using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PrivacyNode.Crypto.Ristretto;

/// <summary>
/// Eight elements of GF(2^255 - 19), one per 64-bit lane of AVX-512 vectors, in radix 2^25.5: ten limbs of
/// alternately 26 and 25 bits, so every limb product is one VPMULUDQ (32 × 32 → 64 bits). Results of
/// <see cref="Multiply"/>, <see cref="Square"/>, <see cref="Subtract"/> and <see cref="Carry"/> are carried
/// (limbs below 2^26 + 2^14); inputs of a product may be one <see cref="Add"/> of carried values (below
/// 2^27 + 2^15), which keeps every factor with a 19 or 38 below 2^32 and every column sum below 2^63.
/// Callers check <see cref="IsSupported"/>. Every operation runs in constant time.
/// </summary>
internal struct FieldElement8 : IFieldElementLanes<FieldElement8>
{
    private const ulong Mask26 = (1UL << 26) - 1;
    private const ulong Mask25 = (1UL << 25) - 1;

    public Vector512<ulong> L0, L1, L2, L3, L4, L5, L6, L7, L8, L9;

    /// <summary>Whether this machine runs the eight-lane arithmetic (AVX-512F).</summary>
    public static bool IsSupported => Avx512F.IsSupported;

    static int IFieldElementLanes<FieldElement8>.Count => 8;

    /// <summary>The same element in every lane.</summary>
    public static FieldElement8 Broadcast(in FieldElement value)
    {
        var r = default(FieldElement8);
        Span<FieldElement> lanes = stackalloc FieldElement[8];
        lanes.Fill(value);
        r.SetLanes(lanes);
        return r;
    }

    /// <summary>Loads eight radix-2^51 elements, one per lane.</summary>
    public void SetLanes(ReadOnlySpan<FieldElement> lanes)
    {
        Span<ulong> limbs = stackalloc ulong[80];
        for (var lane = 0; lane < 8; lane++)
        {
            var f = lanes[lane].Carry();
            Split(f.L0, limbs, 0, lane);
            Split(f.L1, limbs, 2, lane);
            Split(f.L2, limbs, 4, lane);
            Split(f.L3, limbs, 6, lane);
            Split(f.L4, limbs, 8, lane);
        }

        L0 = Vector512.Create<ulong>(limbs[..8]);
        L1 = Vector512.Create<ulong>(limbs[8..16]);
        L2 = Vector512.Create<ulong>(limbs[16..24]);
        L3 = Vector512.Create<ulong>(limbs[24..32]);
        L4 = Vector512.Create<ulong>(limbs[32..40]);
        L5 = Vector512.Create<ulong>(limbs[40..48]);
        L6 = Vector512.Create<ulong>(limbs[48..56]);
        L7 = Vector512.Create<ulong>(limbs[56..64]);
        L8 = Vector512.Create<ulong>(limbs[64..72]);
        L9 = Vector512.Create<ulong>(limbs[72..80]);
        limbs.Clear();
    }

    /// <summary>Stores the eight lanes as radix-2^51 elements.</summary>
    public readonly void GetLanes(Span<FieldElement> lanes)
    {
        var c = Carry();
        for (var lane = 0; lane < 8; lane++)
        {
            lanes[lane] = new FieldElement(
                c.L0[lane] + (c.L1[lane] << 26),
                c.L2[lane] + (c.L3[lane] << 26),
                c.L4[lane] + (c.L5[lane] << 26),
                c.L6[lane] + (c.L7[lane] << 26),
                c.L8[lane] + (c.L9[lane] << 26));
        }
    }

    static FieldElement8 IFieldElementLanes<FieldElement8>.Load(ReadOnlySpan<FieldElement> lanes)
    {
        var r = default(FieldElement8);
        r.SetLanes(lanes);
        return r;
    }

    static void IFieldElementLanes<FieldElement8>.Store(in FieldElement8 value, Span<FieldElement> lanes) => value.GetLanes(lanes);

    static void IFieldElementLanes<FieldElement8>.Add(in FieldElement8 a, in FieldElement8 b, out FieldElement8 r) => r = a.Add(b);

    static void IFieldElementLanes<FieldElement8>.Subtract(in FieldElement8 a, in FieldElement8 b, out FieldElement8 r) => r = a.Subtract(b);

    static void IFieldElementLanes<FieldElement8>.Negate(in FieldElement8 a, out FieldElement8 r) => r = a.Negate();

    static void IFieldElementLanes<FieldElement8>.Multiply(in FieldElement8 a, in FieldElement8 b, out FieldElement8 r) => r = a.Multiply(b);

    static void IFieldElementLanes<FieldElement8>.Square(in FieldElement8 a, out FieldElement8 r) => r = a.Square();

    static void IFieldElementLanes<FieldElement8>.Select(in FieldElement8 a, in FieldElement8 b, ulong mask, out FieldElement8 r) => r = Select(a, b, Vector512.Create(mask));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly FieldElement8 Add(in FieldElement8 b)
    {
        FieldElement8 r;
        r.L0 = L0 + b.L0;
        r.L1 = L1 + b.L1;
        r.L2 = L2 + b.L2;
        r.L3 = L3 + b.L3;
        r.L4 = L4 + b.L4;
        r.L5 = L5 + b.L5;
        r.L6 = L6 + b.L6;
        r.L7 = L7 + b.L7;
        r.L8 = L8 + b.L8;
        r.L9 = L9 + b.L9;
        return r;
    }

    /// <summary>this - b, carried, as this + 4p - b: no lane underflows for b below 2^27 + 2^15.</summary>
    public readonly FieldElement8 Subtract(in FieldElement8 b)
    {
        var p0 = Vector512.Create(4 * (Mask26 - 18));
        var pEven = Vector512.Create(4 * Mask26);
        var pOdd = Vector512.Create(4 * Mask25);
        FieldElement8 r;
        r.L0 = L0 + p0 - b.L0;
        r.L1 = L1 + pOdd - b.L1;
        r.L2 = L2 + pEven - b.L2;
        r.L3 = L3 + pOdd - b.L3;
        r.L4 = L4 + pEven - b.L4;
        r.L5 = L5 + pOdd - b.L5;
        r.L6 = L6 + pEven - b.L6;
        r.L7 = L7 + pOdd - b.L7;
        r.L8 = L8 + pEven - b.L8;
        r.L9 = L9 + pOdd - b.L9;
        return r.Carry();
    }

    public readonly FieldElement8 Negate() => default(FieldElement8).Subtract(this);

    /// <summary>Limbs carried below 2^26 + 2^14 (any input limbs below 2^63).</summary>
    public readonly FieldElement8 Carry() => Reduce(L0, L1, L2, L3, L4, L5, L6, L7, L8, L9);

    /// <summary>this·b: ten column sums of limb products (19 folds 2^255, 2 aligns two odd limbs), then carried.</summary>
    public readonly FieldElement8 Multiply(in FieldElement8 b)
    {
        Vector512<ulong> f0 = L0, f1 = L1, f2 = L2, f3 = L3, f4 = L4, f5 = L5, f6 = L6, f7 = L7, f8 = L8, f9 = L9;
        Vector512<ulong> g0 = b.L0, g1 = b.L1, g2 = b.L2, g3 = b.L3, g4 = b.L4, g5 = b.L5, g6 = b.L6, g7 = b.L7, g8 = b.L8, g9 = b.L9;
        var k19 = Vector512.Create(19UL);
        Vector512<ulong> g1_19 = M(g1, k19), g2_19 = M(g2, k19), g3_19 = M(g3, k19), g4_19 = M(g4, k19), g5_19 = M(g5, k19);
        Vector512<ulong> g6_19 = M(g6, k19), g7_19 = M(g7, k19), g8_19 = M(g8, k19), g9_19 = M(g9, k19);
        Vector512<ulong> f1_2 = f1 + f1, f3_2 = f3 + f3, f5_2 = f5 + f5, f7_2 = f7 + f7, f9_2 = f9 + f9;

        var h0 = M(f0, g0) + M(f1_2, g9_19) + M(f2, g8_19) + M(f3_2, g7_19) + M(f4, g6_19) + M(f5_2, g5_19) + M(f6, g4_19) + M(f7_2, g3_19) + M(f8, g2_19) + M(f9_2, g1_19);
        var h1 = M(f0, g1) + M(f1, g0) + M(f2, g9_19) + M(f3, g8_19) + M(f4, g7_19) + M(f5, g6_19) + M(f6, g5_19) + M(f7, g4_19) + M(f8, g3_19) + M(f9, g2_19);
        var h2 = M(f0, g2) + M(f1_2, g1) + M(f2, g0) + M(f3_2, g9_19) + M(f4, g8_19) + M(f5_2, g7_19) + M(f6, g6_19) + M(f7_2, g5_19) + M(f8, g4_19) + M(f9_2, g3_19);
        var h3 = M(f0, g3) + M(f1, g2) + M(f2, g1) + M(f3, g0) + M(f4, g9_19) + M(f5, g8_19) + M(f6, g7_19) + M(f7, g6_19) + M(f8, g5_19) + M(f9, g4_19);
        var h4 = M(f0, g4) + M(f1_2, g3) + M(f2, g2) + M(f3_2, g1) + M(f4, g0) + M(f5_2, g9_19) + M(f6, g8_19) + M(f7_2, g7_19) + M(f8, g6_19) + M(f9_2, g5_19);
        var h5 = M(f0, g5) + M(f1, g4) + M(f2, g3) + M(f3, g2) + M(f4, g1) + M(f5, g0) + M(f6, g9_19) + M(f7, g8_19) + M(f8, g7_19) + M(f9, g6_19);
        var h6 = M(f0, g6) + M(f1_2, g5) + M(f2, g4) + M(f3_2, g3) + M(f4, g2) + M(f5_2, g1) + M(f6, g0) + M(f7_2, g9_19) + M(f8, g8_19) + M(f9_2, g7_19);
        var h7 = M(f0, g7) + M(f1, g6) + M(f2, g5) + M(f3, g4) + M(f4, g3) + M(f5, g2) + M(f6, g1) + M(f7, g0) + M(f8, g9_19) + M(f9, g8_19);
        var h8 = M(f0, g8) + M(f1_2, g7) + M(f2, g6) + M(f3_2, g5) + M(f4, g4) + M(f5_2, g3) + M(f6, g2) + M(f7_2, g1) + M(f8, g0) + M(f9_2, g9_19);
        var h9 = M(f0, g9) + M(f1, g8) + M(f2, g7) + M(f3, g6) + M(f4, g5) + M(f5, g4) + M(f6, g3) + M(f7, g2) + M(f8, g1) + M(f9, g0);
        return Reduce(h0, h1, h2, h3, h4, h5, h6, h7, h8, h9);
    }

    /// <summary>this², as <see cref="Multiply"/> with each symmetric pair of products computed once and doubled.</summary>
    public readonly FieldElement8 Square()
    {
        Vector512<ulong> f0 = L0, f1 = L1, f2 = L2, f3 = L3, f4 = L4, f5 = L5, f6 = L6, f7 = L7, f8 = L8, f9 = L9;
        var k19 = Vector512.Create(19UL);
        var k38 = Vector512.Create(38UL);
        Vector512<ulong> f0_2 = f0 + f0, f1_2 = f1 + f1, f2_2 = f2 + f2, f3_2 = f3 + f3, f4_2 = f4 + f4;
        Vector512<ulong> f5_2 = f5 + f5, f6_2 = f6 + f6, f7_2 = f7 + f7, f8_2 = f8 + f8;
        Vector512<ulong> f6_19 = M(f6, k19), f7_19 = M(f7, k19), f8_19 = M(f8, k19), f9_19 = M(f9, k19);
        Vector512<ulong> f5_38 = M(f5, k38), f7_38 = M(f7, k38), f9_38 = M(f9, k38);

        var h0 = M(f0, f0) + M(f1_2, f9_38) + M(f2_2, f8_19) + M(f3_2, f7_38) + M(f4_2, f6_19) + M(f5, f5_38);
        var h1 = M(f0_2, f1) + M(f2_2, f9_19) + M(f3_2, f8_19) + M(f4_2, f7_19) + M(f5_2, f6_19);
        var h2 = M(f0_2, f2) + M(f1_2, f1) + M(f3_2, f9_38) + M(f4_2, f8_19) + M(f5_2, f7_38) + M(f6, f6_19);
        var h3 = M(f0_2, f3) + M(f1_2, f2) + M(f4_2, f9_19) + M(f5_2, f8_19) + M(f6_2, f7_19);
        var h4 = M(f0_2, f4) + M(f1_2, f3_2) + M(f2, f2) + M(f5_2, f9_38) + M(f6_2, f8_19) + M(f7, f7_38);
        var h5 = M(f0_2, f5) + M(f1_2, f4) + M(f2_2, f3) + M(f6_2, f9_19) + M(f7_2, f8_19);
        var h6 = M(f0_2, f6) + M(f1_2, f5_2) + M(f2_2, f4) + M(f3_2, f3) + M(f7_2, f9_38) + M(f8, f8_19);
        var h7 = M(f0_2, f7) + M(f1_2, f6) + M(f2_2, f5) + M(f3_2, f4) + M(f8_2, f9_19);
        var h8 = M(f0_2, f8) + M(f1_2, f7_2) + M(f2_2, f6) + M(f3_2, f5_2) + M(f4, f4) + M(f9, f9_38);
        var h9 = M(f0_2, f9) + M(f1_2, f8) + M(f2_2, f7) + M(f3_2, f6) + M(f4_2, f5);
        return Reduce(h0, h1, h2, h3, h4, h5, h6, h7, h8, h9);
    }

    /// <summary>Per lane, <paramref name="b"/> where <paramref name="mask"/> is all ones, else <paramref name="a"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FieldElement8 Select(in FieldElement8 a, in FieldElement8 b, Vector512<ulong> mask)
    {
        FieldElement8 r;
        r.L0 = Vector512.ConditionalSelect(mask, b.L0, a.L0);
        r.L1 = Vector512.ConditionalSelect(mask, b.L1, a.L1);
        r.L2 = Vector512.ConditionalSelect(mask, b.L2, a.L2);
        r.L3 = Vector512.ConditionalSelect(mask, b.L3, a.L3);
        r.L4 = Vector512.ConditionalSelect(mask, b.L4, a.L4);
        r.L5 = Vector512.ConditionalSelect(mask, b.L5, a.L5);
        r.L6 = Vector512.ConditionalSelect(mask, b.L6, a.L6);
        r.L7 = Vector512.ConditionalSelect(mask, b.L7, a.L7);
        r.L8 = Vector512.ConditionalSelect(mask, b.L8, a.L8);
        r.L9 = Vector512.ConditionalSelect(mask, b.L9, a.L9);
        return r;
    }

    /// <summary>The low 32 bits of each lane of a and b multiplied into 64 bits (VPMULUDQ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> M(Vector512<ulong> a, Vector512<ulong> b) => Avx512F.Multiply(a.AsUInt32(), b.AsUInt32());

    /// <summary>Two interleaved carry chains (0→5 and 4→9→0), then 0→1 once more.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static FieldElement8 Reduce(
        Vector512<ulong> h0, Vector512<ulong> h1, Vector512<ulong> h2, Vector512<ulong> h3, Vector512<ulong> h4,
        Vector512<ulong> h5, Vector512<ulong> h6, Vector512<ulong> h7, Vector512<ulong> h8, Vector512<ulong> h9)
    {
        var m26 = Vector512.Create(Mask26);
        var m25 = Vector512.Create(Mask25);
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
        var c9 = h9 >>> 25; // up to 2^38: too wide for VPMULUDQ, so 19·c9 = c9 + 2·c9 + 16·c9
        h0 += c9 + (c9 << 1) + (c9 << 4);
        h9 &= m25;
        h1 += h0 >>> 26;
        h0 &= m26;

        FieldElement8 r;
        (r.L0, r.L1, r.L2, r.L3, r.L4, r.L5, r.L6, r.L7, r.L8, r.L9) = (h0, h1, h2, h3, h4, h5, h6, h7, h8, h9);
        return r;
    }

    private static void Split(ulong limb51, Span<ulong> limbs, int index, int lane)
    {
        limbs[(index * 8) + lane] = limb51 & Mask26;
        limbs[((index + 1) * 8) + lane] = limb51 >> 26;
    }
}
