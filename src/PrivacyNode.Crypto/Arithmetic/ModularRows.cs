using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PrivacyNode.Crypto.Arithmetic;

/// <summary>
/// Element-wise arithmetic on rows of residues modulo one <see cref="Modulus"/>, eight lanes at a time on
/// AVX-512 (F and DQ) and one at a time otherwise or for the tail. Inputs are in [0, q) unless stated; outputs
/// are in [0, q). Every lane computes the exact residue, so both paths give identical results (tests hold them
/// equal with <c>vectors: false</c>). Destinations may alias inputs. No allocation; constant time.
/// </summary>
internal static class ModularRows
{
    private const int Width = 8;

    /// <summary>Whether this machine runs the vector loops.</summary>
    public static bool IsSupported => NttVector.IsSupported;

    /// <summary>a ← a + b.</summary>
    public static void Add(Span<ulong> a, ReadOnlySpan<ulong> b, Modulus modulus, bool vectors = true)
    {
        var j = 0;
        if (vectors && IsSupported)
        {
            var q = Vector512.Create(modulus.Value);
            for (; j + Width <= a.Length; j += Width)
            {
                var s = Load(a, j) + Load(b, j);
                Store(Vector512.Min(s, s - q), a, j);
            }
        }

        for (; j < a.Length; j++)
        {
            a[j] = modulus.Add(a[j], b[j]);
        }
    }

    /// <summary>a ← a − b.</summary>
    public static void Subtract(Span<ulong> a, ReadOnlySpan<ulong> b, Modulus modulus, bool vectors = true)
    {
        var j = 0;
        if (vectors && IsSupported)
        {
            var q = Vector512.Create(modulus.Value);
            for (; j + Width <= a.Length; j += Width)
            {
                var d = Load(a, j) - Load(b, j);
                Store(Vector512.Min(d, d + q), a, j);
            }
        }

        for (; j < a.Length; j++)
        {
            a[j] = modulus.Subtract(a[j], b[j]);
        }
    }

    /// <summary>a ← −a.</summary>
    public static void Negate(Span<ulong> a, Modulus modulus, bool vectors = true)
    {
        var j = 0;
        if (vectors && IsSupported)
        {
            var q = Vector512.Create(modulus.Value);
            for (; j + Width <= a.Length; j += Width)
            {
                var d = q - Load(a, j);
                Store(Vector512.Min(d, d - q), a, j);
            }
        }

        for (; j < a.Length; j++)
        {
            a[j] = modulus.Negate(a[j]);
        }
    }

    /// <summary>a ← a·b.</summary>
    public static void Multiply(Span<ulong> a, ReadOnlySpan<ulong> b, Modulus modulus, bool vectors = true)
    {
        var j = 0;
        if (vectors && IsSupported)
        {
            var barrett = new Barrett(modulus);
            for (; j + Width <= a.Length; j += Width)
            {
                Store(barrett.Multiply(Load(a, j), Load(b, j)), a, j);
            }
        }

        for (; j < a.Length; j++)
        {
            a[j] = modulus.Multiply(a[j], b[j]);
        }
    }

    /// <summary>c ← c + a·b.</summary>
    public static void MultiplyAdd(Span<ulong> c, ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Modulus modulus, bool vectors = true)
    {
        var j = 0;
        if (vectors && IsSupported)
        {
            var barrett = new Barrett(modulus);
            for (; j + Width <= c.Length; j += Width)
            {
                var s = Load(c, j) + barrett.Multiply(Load(a, j), Load(b, j));
                Store(Vector512.Min(s, s - barrett.Q), c, j);
            }
        }

        for (; j < c.Length; j++)
        {
            c[j] = modulus.Add(c[j], modulus.Multiply(a[j], b[j]));
        }
    }

    /// <summary>d ← x·w for a fixed w in [0, q) with its Shoup operand; x is any 64-bit value.</summary>
    public static void MultiplyConstant(Span<ulong> d, ReadOnlySpan<ulong> x, ulong w, ulong wShoup, Modulus modulus, bool vectors = true)
    {
        var q = modulus.Value;
        var j = 0;
        if (vectors && IsSupported)
        {
            var vq = Vector512.Create(q);
            var vw = Vector512.Create(w);
            var high = Vector512.Create(wShoup >> 32);
            var low = Vector512.Create(wShoup);
            for (; j + Width <= d.Length; j += Width)
            {
                var r = ShoupLazy(Load(x, j), vw, high, low, vq);
                Store(Vector512.Min(r, r - vq), d, j);
            }
        }

        for (; j < d.Length; j++)
        {
            d[j] = modulus.CorrectOnce(Modulus.MultiplyShoupLazy(x[j], w, wShoup, q));
        }
    }

    /// <summary>c ← c + x·w for a fixed w in [0, q) with its Shoup operand; x is any 64-bit value.</summary>
    public static void MultiplyConstantAdd(Span<ulong> c, ReadOnlySpan<ulong> x, ulong w, ulong wShoup, Modulus modulus, bool vectors = true)
    {
        var q = modulus.Value;
        var j = 0;
        if (vectors && IsSupported)
        {
            var vq = Vector512.Create(q);
            var vw = Vector512.Create(w);
            var high = Vector512.Create(wShoup >> 32);
            var low = Vector512.Create(wShoup);
            for (; j + Width <= c.Length; j += Width)
            {
                var r = ShoupLazy(Load(x, j), vw, high, low, vq);
                var s = Load(c, j) + Vector512.Min(r, r - vq);
                Store(Vector512.Min(s, s - vq), c, j);
            }
        }

        for (; j < c.Length; j++)
        {
            c[j] = modulus.Add(c[j], modulus.CorrectOnce(Modulus.MultiplyShoupLazy(x[j], w, wShoup, q)));
        }
    }

    /// <summary>d ← x + c for a constant c in [0, q).</summary>
    public static void AddConstant(Span<ulong> d, ReadOnlySpan<ulong> x, ulong c, Modulus modulus, bool vectors = true)
    {
        var j = 0;
        if (vectors && IsSupported)
        {
            var q = Vector512.Create(modulus.Value);
            var vc = Vector512.Create(c);
            for (; j + Width <= d.Length; j += Width)
            {
                var s = Load(x, j) + vc;
                Store(Vector512.Min(s, s - q), d, j);
            }
        }

        for (; j < d.Length; j++)
        {
            d[j] = modulus.Add(x[j], c);
        }
    }

    /// <summary>
    /// d ← (a − (x mod q) + c)·w, for any 64-bit x, a and c in [0, q), and a fixed w in [0, q) with its Shoup
    /// operand: the step of dividing by a dropped prime, where x is the dropped row.
    /// </summary>
    public static void SubtractReducedAndScale(Span<ulong> d, ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> x, ulong c, ulong w, ulong wShoup, Modulus modulus, bool vectors = true)
    {
        var q = modulus.Value;
        var j = 0;
        if (vectors && IsSupported)
        {
            var vq = Vector512.Create(q);
            var vc = Vector512.Create(c);
            var one = Vector512<ulong>.One;
            var oneShoup = modulus.ShoupOf(1);
            var oneHigh = Vector512.Create(oneShoup >> 32);
            var oneLow = Vector512.Create(oneShoup);
            var vw = Vector512.Create(w);
            var high = Vector512.Create(wShoup >> 32);
            var low = Vector512.Create(wShoup);
            for (; j + Width <= d.Length; j += Width)
            {
                var reduced = ShoupLazy(Load(x, j), one, oneHigh, oneLow, vq);
                reduced = Vector512.Min(reduced, reduced - vq);
                var t = Load(a, j) + vc;                      // below 2q
                t = Vector512.Min(t, t - vq) + vq - reduced;  // below 2q
                var r = ShoupLazy(t, vw, high, low, vq);
                Store(Vector512.Min(r, r - vq), d, j);
            }
        }

        for (; j < d.Length; j++)
        {
            var t = modulus.Subtract(modulus.Add(a[j], c), modulus.Reduce(x[j]));
            d[j] = modulus.CorrectOnce(Modulus.MultiplyShoupLazy(t, w, wShoup, q));
        }
    }

    /// <summary>d ← x mod q for any 64-bit values x.</summary>
    public static void Reduce(Span<ulong> d, ReadOnlySpan<ulong> x, Modulus modulus, bool vectors = true) =>
        MultiplyConstant(d, x, 1, modulus.ShoupOf(1), modulus, vectors); // reducing is multiplying by 1

    /// <summary>(high·2^64 + low) ← (high·2^64 + low) + x·f per element, modulo 2^128 (no modulus involved).</summary>
    public static void MultiplyAccumulateWide(Span<ulong> high, Span<ulong> low, ReadOnlySpan<ulong> x, ulong f, bool vectors = true)
    {
        var j = 0;
        if (vectors && IsSupported)
        {
            var vf = Vector512.Create(f);
            var fHigh = Vector512.Create(f >> 32);
            for (; j + Width <= high.Length; j += Width)
            {
                var a = Load(x, j);
                var productLow = a * vf;
                var sum = Load(low, j) + productLow;
                var carry = Vector512.LessThan(sum, productLow); // all ones (−1) where the low word wrapped
                Store(sum, low, j);
                Store(Load(high, j) + MultiplyHigh(a, fHigh, vf) - carry, high, j);
            }
        }

        for (; j < high.Length; j++)
        {
            var productHigh = Math.BigMul(x[j], f, out var productLow);
            var sum = low[j] + productLow;
            low[j] = sum;
            high[j] += productHigh + (sum < productLow ? 1UL : 0UL);
        }
    }

    /// <summary>Values in [0, 4q) (lazy NTT outputs) reduced into [0, q); with <paramref name="belowTwoQ"/>, values in [0, 2q).</summary>
    public static void CorrectLazy(Span<ulong> values, ulong q, bool belowTwoQ, bool vectors = true)
    {
        var twoQ = belowTwoQ ? ulong.MaxValue : 2 * q;
        var j = 0;
        if (vectors && IsSupported)
        {
            var vq = Vector512.Create(q);
            var vTwoQ = Vector512.Create(belowTwoQ ? 0 : 2 * q); // min(x, x − 0) = x: the first step does nothing below 2q
            for (; j + Width <= values.Length; j += Width)
            {
                var x = Load(values, j);
                x = Vector512.Min(x, x - vTwoQ);
                Store(Vector512.Min(x, x - vq), values, j);
            }
        }

        for (; j < values.Length; j++)
        {
            var x = values[j];
            x -= 2 * q & (0UL - (ulong)(x >= twoQ ? 1 : 0));
            values[j] = x - (q & (0UL - (ulong)(x >= q ? 1 : 0)));
        }
    }

    /// <summary>Barrett multiplication modulo q &lt; 2^61 of two residues, per lane: with k bits in q, the quotient of a·b &lt; 2^2k
    /// is estimated as ⌊⌊a·b / 2^(k−1)⌋·⌊2^2k / q⌋ / 2^(k+1)⌋, at most 2 too small, then corrected.</summary>
    private readonly struct Barrett
    {
        private readonly Vector512<ulong> _ratioHigh;
        private readonly Vector512<ulong> _ratio;
        private readonly int _bits;

        public Barrett(Modulus modulus)
        {
            Q = Vector512.Create(modulus.Value);
            _bits = modulus.BitCount;
            var ratio = (ulong)((UInt128.One << (2 * _bits)) / modulus.Value);
            _ratio = Vector512.Create(ratio);
            _ratioHigh = Vector512.Create(ratio >> 32);
        }

        public Vector512<ulong> Q { get; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<ulong> Multiply(Vector512<ulong> a, Vector512<ulong> b)
        {
            var low = a * b;
            var high = MultiplyHigh(a, b >>> 32, b);
            var z = (high << (65 - _bits)) | (low >>> (_bits - 1));
            var y = z * _ratio;
            var yHigh = MultiplyHigh(z, _ratioHigh, _ratio);
            var quotient = (yHigh << (63 - _bits)) | (y >>> (_bits + 1));
            var r = low - (quotient * Q);
            r = Vector512.Min(r, r - Q);
            return Vector512.Min(r, r - Q);
        }
    }

    /// <summary><see cref="Modulus.MultiplyShoupLazy"/> per lane: a·w − ⌊a·w' / 2^64⌋·q in [0, 2q), with w' given as its high half and itself (only its low half is read).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<ulong> ShoupLazy(Vector512<ulong> a, Vector512<ulong> w, Vector512<ulong> shoupHigh, Vector512<ulong> shoupLow, Vector512<ulong> q) =>
        (a * w) - (MultiplyHigh(a, shoupHigh, shoupLow) * q);

    /// <summary>The high 64 bits of a·b per lane, for b given as its high half (in the low half of a lane) and b itself (only its low half is read).</summary>
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Load(ReadOnlySpan<ulong> values, int index) =>
        Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(values), (nuint)index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<ulong> value, Span<ulong> values, int index) =>
        value.StoreUnsafe(ref MemoryMarshal.GetReference(values), (nuint)index);
}
