using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PrivacyNode.Crypto.Arithmetic;

/// <summary>
/// Harvey butterflies eight at a time on AVX-512 (F for VPMULUDQ and VPMINUQ, DQ for VPMULLQ), for NTT stages
/// whose groups are at least eight wide. The high half of a 64 × 64-bit product, which AVX-512 lacks, is
/// built from four 32 × 32-bit products. Every lane computes exactly what <see cref="Ntt"/>'s scalar loop
/// computes, so the two paths give identical outputs.
/// </summary>
internal static class NttVector
{
    /// <summary>The narrowest group the vector loops take.</summary>
    public const int Width = 8;

    /// <summary>Whether this machine runs the vector loops.</summary>
    public static bool IsSupported => Avx512F.IsSupported && Avx512DQ.IsSupported;

    /// <summary>Cooley–Tukey: x ← u + w·y, y ← u − w·y + 2q, lazily, with u = x reduced below 2q. Lengths are multiples of 8.</summary>
    public static void Forward(Span<ulong> x, Span<ulong> y, ulong w, ulong wShoup, ulong q)
    {
        var vw = Vector512.Create(w);
        var shoupHigh = Vector512.Create(wShoup >> 32);
        var shoupLow = Vector512.Create(wShoup & 0xFFFFFFFF);
        var vq = Vector512.Create(q);
        var twoQ = Vector512.Create(2 * q);
        ref var xs = ref MemoryMarshal.GetReference(x);
        ref var ys = ref MemoryMarshal.GetReference(y);
        for (nuint j = 0; j < (nuint)x.Length; j += Width)
        {
            var u = Vector512.LoadUnsafe(ref xs, j);
            var a = Vector512.LoadUnsafe(ref ys, j);
            u = Vector512.Min(u, u - twoQ);
            var v = MultiplyShoupLazy(a, vw, shoupHigh, shoupLow, vq);
            (u + v).StoreUnsafe(ref xs, j);
            (u + twoQ - v).StoreUnsafe(ref ys, j);
        }
    }

    /// <summary>Gentleman–Sande: x ← u + v reduced below 2q, y ← w·(u − v + 2q) lazily. Lengths are multiples of 8.</summary>
    public static void Inverse(Span<ulong> x, Span<ulong> y, ulong w, ulong wShoup, ulong q)
    {
        var vw = Vector512.Create(w);
        var shoupHigh = Vector512.Create(wShoup >> 32);
        var shoupLow = Vector512.Create(wShoup & 0xFFFFFFFF);
        var vq = Vector512.Create(q);
        var twoQ = Vector512.Create(2 * q);
        ref var xs = ref MemoryMarshal.GetReference(x);
        ref var ys = ref MemoryMarshal.GetReference(y);
        for (nuint j = 0; j < (nuint)x.Length; j += Width)
        {
            var u = Vector512.LoadUnsafe(ref xs, j);
            var v = Vector512.LoadUnsafe(ref ys, j);
            var t = u + v;
            Vector512.Min(t, t - twoQ).StoreUnsafe(ref xs, j);
            var a = u + twoQ - v;
            MultiplyShoupLazy(a, vw, shoupHigh, shoupLow, vq).StoreUnsafe(ref ys, j);
        }
    }

    /// <summary>The inverse transform's last stage: x ← s·(u + v), y ← w·(u − v + 2q), both lazily. Lengths are multiples of 8.</summary>
    public static void InverseLast(Span<ulong> x, Span<ulong> y, ulong s, ulong sShoup, ulong w, ulong wShoup, ulong q)
    {
        var vs = Vector512.Create(s);
        var sHigh = Vector512.Create(sShoup >> 32);
        var sLow = Vector512.Create(sShoup & 0xFFFFFFFF);
        var vw = Vector512.Create(w);
        var wHigh = Vector512.Create(wShoup >> 32);
        var wLow = Vector512.Create(wShoup & 0xFFFFFFFF);
        var vq = Vector512.Create(q);
        var twoQ = Vector512.Create(2 * q);
        ref var xs = ref MemoryMarshal.GetReference(x);
        ref var ys = ref MemoryMarshal.GetReference(y);
        for (nuint j = 0; j < (nuint)x.Length; j += Width)
        {
            var u = Vector512.LoadUnsafe(ref xs, j);
            var v = Vector512.LoadUnsafe(ref ys, j);
            var sum = u + v;
            var difference = u + twoQ - v;
            MultiplyShoupLazy(sum, vs, sHigh, sLow, vq).StoreUnsafe(ref xs, j);
            MultiplyShoupLazy(difference, vw, wHigh, wLow, vq).StoreUnsafe(ref ys, j);
        }
    }

    /// <summary><see cref="Modulus.MultiplyShoupLazy"/> per lane: a·w - ⌊a·w' / 2^64⌋·q, in [0, 2q).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> MultiplyShoupLazy(Vector512<ulong> a, Vector512<ulong> w, Vector512<ulong> shoupHigh, Vector512<ulong> shoupLow, Vector512<ulong> q) =>
        (a * w) - (MultiplyHigh(a, shoupHigh, shoupLow) * q);

    /// <summary>The high 64 bits of a·b per lane, for b given as its 32-bit halves (each in the low half of its lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> MultiplyHigh(Vector512<ulong> a, Vector512<ulong> bHigh, Vector512<ulong> bLow)
    {
        var aHigh = a >>> 32;
        var lowLow = Avx512F.Multiply(a.AsUInt32(), bLow.AsUInt32());
        var lowHigh = Avx512F.Multiply(a.AsUInt32(), bHigh.AsUInt32());
        var highLow = Avx512F.Multiply(aHigh.AsUInt32(), bLow.AsUInt32());
        var highHigh = Avx512F.Multiply(aHigh.AsUInt32(), bHigh.AsUInt32());
        var mask = Vector512.Create(0xFFFFFFFFUL);
        var middle = (lowLow >>> 32) + (lowHigh & mask) + (highLow & mask);
        return highHigh + (lowHigh >>> 32) + (highLow >>> 32) + (middle >>> 32);
    }
}
