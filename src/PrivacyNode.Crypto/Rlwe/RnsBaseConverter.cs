using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using PrivacyNode.Crypto.Arithmetic;

namespace PrivacyNode.Crypto.Rlwe;

/// <summary>
/// Exact conversion of residues from one RNS basis B to another C for values in (-|B|/2, |B|/2): the fast
/// base conversion Σ_i [x_i·b̃_i]_{b_i}·(|B|/b_i) corrected by v = round(Σ_i [x_i·b̃_i]_{b_i} / b_i) multiples
/// of |B| (Halevi, Polyakov and Shoup, "An improved RNS variant of the BFV homomorphic encryption scheme",
/// 2018, section 2.4). The correction is computed in double precision, which is exact away from ±|B|/2.
/// Immutable and thread-safe.
/// </summary>
internal sealed class RnsBaseConverter
{
    private readonly Modulus[] _from;
    private readonly Modulus[] _to;
    private readonly ulong[] _inversePunctured;     // b̃_i = (|B| / b_i)⁻¹ mod b_i
    private readonly ulong[] _inversePuncturedShoup;
    private readonly ulong[][] _puncturedModTo;     // [k][i] = (|B| / b_i) mod c_k
    private readonly ulong[][] _puncturedModToShoup;
    private readonly ulong[] _productModTo;         // |B| mod c_k
    private readonly ulong[] _productModToShoup;
    private readonly double[] _inverseFrom;

    /// <summary>A converter from <paramref name="from"/> to <paramref name="to"/> (pairwise coprime moduli).</summary>
    public RnsBaseConverter(IReadOnlyList<Modulus> from, IReadOnlyList<Modulus> to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        _from = [.. from];
        _to = [.. to];
        var product = _from.Aggregate(BigInteger.One, (p, m) => p * m.Value);
        _inversePunctured = [.. _from.Select(m => m.InverseVar((ulong)(product / m.Value % m.Value)))];
        _inversePuncturedShoup = [.. _from.Select((m, i) => m.ShoupOf(_inversePunctured[i]))];
        _puncturedModTo = [.. _to.Select(c => _from.Select(m => (ulong)(product / m.Value % c.Value)).ToArray())];
        _puncturedModToShoup = [.. _to.Select((c, k) => _puncturedModTo[k].Select(c.ShoupOf).ToArray())];
        _productModTo = [.. _to.Select(c => (ulong)(product % c.Value))];
        _productModToShoup = [.. _to.Select((c, k) => c.ShoupOf(_productModTo[k]))];
        _inverseFrom = [.. _from.Select(m => 1.0 / m.Value)];
    }

    /// <summary>
    /// Reads, per coefficient, the residues in rows <paramref name="sourceRow"/> … of <paramref name="source"/> (one per
    /// prime of B, in [0, b_i)) and writes the centered value's residues into rows <paramref name="destinationRow"/> … of
    /// <paramref name="destination"/> (one per prime of C, in [0, c_k)). Both are in coefficient form.
    /// </summary>
    public void Convert(RnsPolynomial source, int sourceRow, RnsPolynomial destination, int destinationRow)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var n = source.Degree;
        var scratch = ArrayPool<ulong>.Shared.Rent((_from.Length + 2) * n);
        var estimates = ArrayPool<double>.Shared.Rent(n);
        try
        {
            // y_i = [x_i·b̃_i]_{b_i}, and v ≈ Σ_i y_i / b_i, the multiple of |B| that Σ_i y_i·(|B|/b_i) exceeds the value by.
            var sums = estimates.AsSpan(0, n);
            sums.Clear();
            for (var i = 0; i < _from.Length; i++)
            {
                var y = scratch.AsSpan(i * n, n);
                ModularRows.MultiplyConstant(y, source.Row(sourceRow + i), _inversePunctured[i], _inversePuncturedShoup[i], _from[i]);
                AccumulateQuotient(sums, y, _inverseFrom[i]);
            }

            var v = scratch.AsSpan(_from.Length * n, n);
            RoundHalfUp(v, sums);
            var correction = scratch.AsSpan((_from.Length + 1) * n, n);
            for (var k = 0; k < _to.Length; k++)
            {
                var c = _to[k];
                var row = destination.Row(destinationRow + k);
                ModularRows.MultiplyConstant(row, scratch.AsSpan(0, n), _puncturedModTo[k][0], _puncturedModToShoup[k][0], c);
                for (var i = 1; i < _from.Length; i++)
                {
                    ModularRows.MultiplyConstantAdd(row, scratch.AsSpan(i * n, n), _puncturedModTo[k][i], _puncturedModToShoup[k][i], c);
                }

                ModularRows.MultiplyConstant(correction, v, _productModTo[k], _productModToShoup[k], c);
                ModularRows.Subtract(row, correction, c);
            }
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(scratch);
            ArrayPool<double>.Shared.Return(estimates);
        }
    }

    /// <summary>sums += y·inverse, in double precision, the same operations in both paths.</summary>
    private static void AccumulateQuotient(Span<double> sums, ReadOnlySpan<ulong> y, double inverse)
    {
        var j = 0;
        if (Avx512DQ.IsSupported)
        {
            var factor = Vector512.Create(inverse);
            ref var s = ref MemoryMarshal.GetReference(sums);
            ref var x = ref MemoryMarshal.GetReference(y);
            for (; j + 8 <= sums.Length; j += 8)
            {
                var converted = Avx512DQ.ConvertToVector512Double(Vector512.LoadUnsafe(ref x, (nuint)j));
                (Vector512.LoadUnsafe(ref s, (nuint)j) + (converted * factor)).StoreUnsafe(ref s, (nuint)j);
            }
        }

        for (; j < sums.Length; j++)
        {
            sums[j] += y[j] * inverse;
        }
    }

    /// <summary>v = ⌊sum + 1/2⌋ for the non-negative sums.</summary>
    private static void RoundHalfUp(Span<ulong> v, ReadOnlySpan<double> sums)
    {
        for (var j = 0; j < v.Length; j++)
        {
            v[j] = (ulong)Math.Floor(sums[j] + 0.5);
        }
    }
}
