using System.Numerics;
using PrivacyNode.Crypto.Arithmetic;

namespace PrivacyNode.Crypto.Rlwe;

/// <summary>
/// Exact conversion of residues from one RNS basis B to another C for values in (-|B|/2, |B|/2): the fast
/// base conversion Σ_i [x_i·b̃_i]_{b_i}·(|B|/b_i) corrected by v = round(Σ_i [x_i·b̃_i]_{b_i} / b_i) multiples
/// of |B| (Halevi, Polyakov and Shoup, "An improved RNS variant of the BFV homomorphic encryption scheme",
/// 2018, section 2.4). The correction is computed in double precision, which is exact away from ±|B|/2.
/// Immutable and thread-safe.
/// </summary>
public sealed class RnsBaseConverter
{
    private readonly Modulus[] _from;
    private readonly Modulus[] _to;
    private readonly ulong[] _inversePunctured;     // b̃_i = (|B| / b_i)⁻¹ mod b_i
    private readonly ulong[] _inversePuncturedShoup;
    private readonly ulong[][] _puncturedModTo;     // [j][i] = (|B| / b_i) mod c_j
    private readonly ulong[] _productModTo;         // |B| mod c_j
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
        _productModTo = [.. _to.Select(c => (ulong)(product % c.Value))];
        _inverseFrom = [.. _from.Select(m => 1.0 / m.Value)];
    }

    /// <summary>
    /// For each coefficient j, reads the residues <paramref name="input"/>[i][j] (in [0, b_i)) and writes the
    /// centered value's residues into <paramref name="destination"/>[k][j] (in [0, c_k)).
    /// </summary>
    public void Convert(IReadOnlyList<ReadOnlyMemory<ulong>> input, IReadOnlyList<Memory<ulong>> destination)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(destination);
        var count = input[0].Length;
        Span<ulong> y = stackalloc ulong[_from.Length];
        for (var j = 0; j < count; j++)
        {
            var correction = 0.0;
            for (var i = 0; i < _from.Length; i++)
            {
                y[i] = _from[i].MultiplyShoup(input[i].Span[j], _inversePunctured[i], _inversePuncturedShoup[i]);
                correction += y[i] * _inverseFrom[i];
            }

            var v = (ulong)Math.Round(correction, MidpointRounding.AwayFromZero);
            for (var k = 0; k < _to.Length; k++)
            {
                var c = _to[k];
                var punctured = _puncturedModTo[k];
                UInt128 sum = 0;
                for (var i = 0; i < _from.Length; i++)
                {
                    sum += (UInt128)y[i] * punctured[i];
                }

                var value = c.Reduce((ulong)(sum >> 64), (ulong)sum);
                destination[k].Span[j] = c.Subtract(value, c.Multiply(c.Reduce(v), _productModTo[k]));
            }
        }
    }
}
