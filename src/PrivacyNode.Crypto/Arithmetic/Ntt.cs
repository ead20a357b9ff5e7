using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace PrivacyNode.Crypto.Arithmetic;

/// <summary>
/// The negacyclic number-theoretic transform over Z_q[x]/(x^n + 1), in place, with Harvey's lazy butterflies
/// (Harvey, "Faster arithmetic for number-theoretic transforms", 2014): Cooley–Tukey forward with outputs in
/// bit-reversed order, Gentleman–Sande inverse with n⁻¹ folded into its last stage. Pointwise products of
/// forward transforms are transforms of negacyclic products. No allocation; thread-safe on distinct spans.
/// </summary>
internal static class Ntt
{
    /// <summary>Forward transform of coefficients in [0, 4q); outputs in [0, 4q).</summary>
    public static void ForwardLazy(Span<ulong> values, NttTables tables) => ForwardLazy(values, tables, NttVector.IsSupported);

    /// <summary>Inverse transform of values in [0, 2q); outputs in [0, 2q).</summary>
    public static void InverseLazy(Span<ulong> values, NttTables tables) => InverseLazy(values, tables, NttVector.IsSupported);

    /// <summary><see cref="ForwardLazy(Span{ulong}, NttTables)"/>, with the AVX-512 stages on or off (tests hold both equal).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // inlined into Forward by dynamic PGO, the stages ran at half speed
    internal static void ForwardLazy(Span<ulong> values, NttTables tables, bool vectors)
    {
        ArgumentNullException.ThrowIfNull(tables);
        CheckLength(values, tables);
        var q = tables.Modulus.Value;
        var twoQ = 2 * q;
        var roots = tables.Roots;
        var shoups = tables.RootsShoup;
        var n = tables.Degree;
        for (int m = 1, gap = n >> 1; m < n; m <<= 1, gap >>= 1)
        {
            if (vectors && gap < NttVector.Width && n >= 2 * NttVector.Width)
            {
                NttVector.ForwardNarrow(values, gap, roots[m..], shoups[m..], q);
                continue;
            }

            for (int i = 0, offset = 0; i < m; i++, offset += gap << 1)
            {
                var w = roots[m + i];
                var wShoup = shoups[m + i];
                if (vectors && gap >= NttVector.Width)
                {
                    NttVector.Forward(values.Slice(offset, gap), values.Slice(offset + gap, gap), w, wShoup, q);
                    continue;
                }

                for (var j = offset; j < offset + gap; j++)
                {
                    var u = values[j];
                    u -= twoQ & (0UL - (ulong)(u >= twoQ ? 1 : 0));
                    var v = Modulus.MultiplyShoupLazy(values[j + gap], w, wShoup, q);
                    values[j] = u + v;
                    values[j + gap] = u + twoQ - v;
                }
            }
        }
    }

    /// <summary>Forward transform of coefficients in [0, 4q); outputs in [0, q).</summary>
    public static void Forward(Span<ulong> values, NttTables tables)
    {
        ForwardLazy(values, tables);
        ModularRows.CorrectLazy(values, tables.Modulus.Value, belowTwoQ: false);
    }

    /// <summary><see cref="InverseLazy(Span{ulong}, NttTables)"/>, with the AVX-512 stages on or off.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // as ForwardLazy
    internal static void InverseLazy(Span<ulong> values, NttTables tables, bool vectors)
    {
        ArgumentNullException.ThrowIfNull(tables);
        CheckLength(values, tables);
        var modulus = tables.Modulus;
        var q = modulus.Value;
        var twoQ = 2 * q;
        var roots = tables.InverseRoots;
        var shoups = tables.InverseRootsShoup;
        var n = tables.Degree;
        int gap = 1, m = n >> 1;
        for (; m > 1; m >>= 1, gap <<= 1)
        {
            if (vectors && gap < NttVector.Width && n >= 2 * NttVector.Width)
            {
                NttVector.InverseNarrow(values, gap, roots[m..], shoups[m..], q);
                continue;
            }

            for (int i = 0, offset = 0; i < m; i++, offset += gap << 1)
            {
                var w = roots[m + i];
                var wShoup = shoups[m + i];
                if (vectors && gap >= NttVector.Width)
                {
                    NttVector.Inverse(values.Slice(offset, gap), values.Slice(offset + gap, gap), w, wShoup, q);
                    continue;
                }

                for (var j = offset; j < offset + gap; j++)
                {
                    var u = values[j];
                    var v = values[j + gap];
                    var t = u + v;
                    values[j] = t - (twoQ & (0UL - (ulong)(t >= twoQ ? 1 : 0)));
                    values[j + gap] = Modulus.MultiplyShoupLazy(u + twoQ - v, w, wShoup, q);
                }
            }
        }

        // The last stage (one group, ψ^-bitrev(1)) with n⁻¹ folded into both outputs.
        var scale = tables.InverseDegree;
        var scaleShoup = modulus.ShoupOf(scale);
        var last = modulus.Multiply(roots[1], scale);
        var lastShoup = modulus.ShoupOf(last);
        var low = values[..gap];
        var high = values.Slice(gap, gap);
        if (vectors && gap >= NttVector.Width)
        {
            NttVector.InverseLast(low, high, scale, scaleShoup, last, lastShoup, q);
            return;
        }

        for (var j = 0; j < gap; j++)
        {
            var u = low[j];
            var v = high[j];
            low[j] = Modulus.MultiplyShoupLazy(u + v, scale, scaleShoup, q);
            high[j] = Modulus.MultiplyShoupLazy(u + twoQ - v, last, lastShoup, q);
        }
    }

    /// <summary>Inverse transform of values in [0, 2q); outputs in [0, q).</summary>
    public static void Inverse(Span<ulong> values, NttTables tables)
    {
        InverseLazy(values, tables);
        ModularRows.CorrectLazy(values, tables.Modulus.Value, belowTwoQ: true);
    }

    private static void CheckLength(Span<ulong> values, NttTables tables)
    {
        if (values.Length != tables.Degree)
        {
            throw new ArgumentException($"The transform takes {tables.Degree} values; got {values.Length}.", nameof(values));
        }

        Debug.Assert(tables.Degree >= 2, "Degrees start at 2.");
    }
}
