using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PrivacyNode.Crypto.Arithmetic;

/// <summary>
/// Harvey butterflies eight at a time on AVX-512 (F for VPMULUDQ, VPMINUQ and VPERMT2Q, DQ for VPMULLQ): stages
/// whose groups are at least eight wide directly, narrower stages after permuting whole groups into lanes.
/// Products are <see cref="ModularRows.ShoupLazy"/>. Every lane computes exactly what <see cref="Ntt"/>'s
/// scalar loop computes, so the two paths give identical outputs.
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
        var shoupLow = Vector512.Create(wShoup);
        var vq = Vector512.Create(q);
        var twoQ = Vector512.Create(2 * q);
        ref var xs = ref MemoryMarshal.GetReference(x);
        ref var ys = ref MemoryMarshal.GetReference(y);
        for (nuint j = 0; j < (nuint)x.Length; j += Width)
        {
            var u = Vector512.LoadUnsafe(ref xs, j);
            var a = Vector512.LoadUnsafe(ref ys, j);
            u = Vector512.Min(u, u - twoQ);
            var v = ModularRows.ShoupLazy(a, vw, shoupHigh, shoupLow, vq);
            (u + v).StoreUnsafe(ref xs, j);
            (u + twoQ - v).StoreUnsafe(ref ys, j);
        }
    }

    /// <summary>Gentleman–Sande: x ← u + v reduced below 2q, y ← w·(u − v + 2q) lazily. Lengths are multiples of 8.</summary>
    public static void Inverse(Span<ulong> x, Span<ulong> y, ulong w, ulong wShoup, ulong q)
    {
        var vw = Vector512.Create(w);
        var shoupHigh = Vector512.Create(wShoup >> 32);
        var shoupLow = Vector512.Create(wShoup);
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
            ModularRows.ShoupLazy(a, vw, shoupHigh, shoupLow, vq).StoreUnsafe(ref ys, j);
        }
    }

    /// <summary>The inverse transform's last stage: x ← s·(u + v), y ← w·(u − v + 2q), both lazily. Lengths are multiples of 8.</summary>
    public static void InverseLast(Span<ulong> x, Span<ulong> y, ulong s, ulong sShoup, ulong w, ulong wShoup, ulong q)
    {
        var vs = Vector512.Create(s);
        var sHigh = Vector512.Create(sShoup >> 32);
        var sLow = Vector512.Create(sShoup);
        var vw = Vector512.Create(w);
        var wHigh = Vector512.Create(wShoup >> 32);
        var wLow = Vector512.Create(wShoup);
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
            ModularRows.ShoupLazy(sum, vs, sHigh, sLow, vq).StoreUnsafe(ref xs, j);
            ModularRows.ShoupLazy(difference, vw, wHigh, wLow, vq).StoreUnsafe(ref ys, j);
        }
    }

    /// <summary>
    /// One forward stage whose groups are narrower than eight (gap 1, 2 or 4; n ≥ 16): sixteen values hold
    /// 16 / (2·gap) whole groups, which are permuted into eight x lanes and eight y lanes, transformed as
    /// <see cref="Forward"/> does with each lane's own root (roots[i] for group i, with its Shoup operand),
    /// and permuted back.
    /// </summary>
    public static void ForwardNarrow(Span<ulong> values, int gap, ReadOnlySpan<ulong> roots, ReadOnlySpan<ulong> shoups, ulong q) =>
        Narrow<CooleyTukey>(values, gap, roots, shoups, q);

    /// <summary>One inverse stage narrower than eight (gap 1, 2 or 4; n ≥ 16), lane by lane as <see cref="Inverse"/>, grouped as in <see cref="ForwardNarrow"/>.</summary>
    public static void InverseNarrow(Span<ulong> values, int gap, ReadOnlySpan<ulong> roots, ReadOnlySpan<ulong> shoups, ulong q) =>
        Narrow<GentlemanSande>(values, gap, roots, shoups, q);

    private static void Narrow<TButterfly>(Span<ulong> values, int gap, ReadOnlySpan<ulong> roots, ReadOnlySpan<ulong> shoups, ulong q)
        where TButterfly : struct, IButterfly
    {
        var (split, joinLow, joinHigh, spread) = Permutations(gap);
        var vq = Vector512.Create(q);
        var twoQ = Vector512.Create(2 * q);
        ref var v = ref MemoryMarshal.GetReference(values);
        ref var r = ref MemoryMarshal.GetReference(roots);
        ref var s = ref MemoryMarshal.GetReference(shoups);
        var groupsPerBlock = (nuint)(Width / gap);
        for (nuint j = 0, group = 0; j < (nuint)values.Length; j += 2 * Width, group += groupsPerBlock)
        {
            var a = Vector512.LoadUnsafe(ref v, j);
            var b = Vector512.LoadUnsafe(ref v, j + Width);
            var w = Avx512F.PermuteVar8x64(Vector512.LoadUnsafe(ref r, group), spread);
            var ws = Avx512F.PermuteVar8x64(Vector512.LoadUnsafe(ref s, group), spread);
            var (x, y) = TButterfly.Apply(Avx512F.PermuteVar8x64x2(a, split, b), Avx512F.PermuteVar8x64x2(a, split + Vector512.Create((ulong)gap), b), w, ws, vq, twoQ);
            Avx512F.PermuteVar8x64x2(x, joinLow, y).StoreUnsafe(ref v, j);
            Avx512F.PermuteVar8x64x2(x, joinHigh, y).StoreUnsafe(ref v, j + Width);
        }
    }

    /// <summary>A butterfly on eight (x, y) lanes with per-lane roots w (Shoup operands ws).</summary>
    private interface IButterfly
    {
        static abstract (Vector512<ulong> X, Vector512<ulong> Y) Apply(Vector512<ulong> x, Vector512<ulong> y, Vector512<ulong> w, Vector512<ulong> ws, Vector512<ulong> q, Vector512<ulong> twoQ);
    }

    /// <summary><see cref="Forward"/>'s butterfly.</summary>
    private readonly struct CooleyTukey : IButterfly
    {
        public static (Vector512<ulong> X, Vector512<ulong> Y) Apply(Vector512<ulong> x, Vector512<ulong> y, Vector512<ulong> w, Vector512<ulong> ws, Vector512<ulong> q, Vector512<ulong> twoQ)
        {
            var u = Vector512.Min(x, x - twoQ);
            var product = ModularRows.ShoupLazy(y, w, ws >>> 32, ws, q);
            return (u + product, u + twoQ - product);
        }
    }

    /// <summary><see cref="Inverse"/>'s butterfly.</summary>
    private readonly struct GentlemanSande : IButterfly
    {
        public static (Vector512<ulong> X, Vector512<ulong> Y) Apply(Vector512<ulong> x, Vector512<ulong> y, Vector512<ulong> w, Vector512<ulong> ws, Vector512<ulong> q, Vector512<ulong> twoQ)
        {
            var sum = x + y;
            return (Vector512.Min(sum, sum - twoQ), ModularRows.ShoupLazy(x + twoQ - y, w, ws >>> 32, ws, q));
        }
    }

    /// <summary>
    /// For groups of 2·gap values in a block of sixteen (a, b): the indexes of the x halves in (a, b) (the y
    /// halves are gap further on), the inverse permutations that put x and y lanes back into a and b, and the
    /// lane-to-group map that spreads one root per group over its lanes.
    /// </summary>
    private static (Vector512<ulong> Split, Vector512<ulong> JoinLow, Vector512<ulong> JoinHigh, Vector512<ulong> Spread) Permutations(int gap)
    {
        Span<ulong> split = stackalloc ulong[Width];
        Span<ulong> join = stackalloc ulong[2 * Width];
        Span<ulong> spread = stackalloc ulong[Width];
        for (var lane = 0; lane < Width; lane++)
        {
            // Lane k is element k % gap of group k / gap; that group starts at 2·gap·(k / gap) in the block.
            var group = lane / gap;
            var position = (2 * gap * group) + (lane % gap);
            split[lane] = (ulong)position;
            join[position] = (ulong)lane;                    // x lanes are indexes 0..7 of (x, y)
            join[position + gap] = (ulong)(lane + Width);    // y lanes are indexes 8..15
            spread[lane] = (ulong)group;
        }

        return (Vector512.Create<ulong>(split), Vector512.Create<ulong>(join[..Width]), Vector512.Create<ulong>(join[Width..]), Vector512.Create<ulong>(spread));
    }
}
