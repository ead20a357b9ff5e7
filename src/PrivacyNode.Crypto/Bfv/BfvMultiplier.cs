using System.Buffers;
using System.Numerics;
using PrivacyNode.Crypto.Arithmetic;
using PrivacyNode.Crypto.Rlwe;

namespace PrivacyNode.Crypto.Bfv;

/// <summary>
/// Ciphertext × ciphertext in RNS, after Halevi, Polyakov and Shoup (2018): both ciphertexts are lifted
/// exactly from Q to Q ∪ P (an auxiliary basis of 60-bit primes with P &gt; t·n·Q·4), the tensor product is
/// taken there in NTT form, then each product coefficient x becomes round(t·x / Q), computed in P as
/// [Σ_i x_i·⌊θ_i⌋ + round(Σ_i x_i·frac θ_i) + x_j·λ_j]_{p_j} with θ_i = t·P·[(QP/q_i)⁻¹]_{q_i} / q_i, and is
/// converted back to Q. Immutable and thread-safe.
/// </summary>
internal sealed class BfvMultiplier
{
    private readonly BfvContext _context;
    private readonly int _primes;
    private readonly Modulus[] _aux;
    private readonly NttTables[] _auxTables;
    private readonly Modulus[] _all;
    private readonly NttTables[] _allTables;
    private readonly RnsBaseConverter _toAux;
    private readonly RnsBaseConverter _fromAux;
    private readonly ulong[][] _wholeModAux;   // [j][i] = floor(θ_i) mod p_j
    private readonly ulong[][] _wholeModAuxShoup;
    private readonly ulong[] _fraction;        // floor(frac(θ_i) · 2^64)
    private readonly ulong[] _lambda;          // [t·(P/p_j)·((QP/p_j)⁻¹ mod p_j)] mod p_j
    private readonly ulong[] _lambdaShoup;
    private readonly ulong[] _oneShoup;        // Shoup operands of 1 modulo p_j, for adding a reduced word

    public BfvMultiplier(BfvContext context, BfvLevel level)
    {
        _context = context;
        _primes = level.Primes;
        var n = context.Degree;
        var data = context.Basis.Take(level.Primes).ToArray();
        var t = context.Parameters.PlainModulus.Value;
        var q = level.Modulus;
        var neededBits = (int)q.GetBitLength() + BitOperations.Log2((uint)n) + 64 - BitOperations.LeadingZeroCount(t) + 3;
        var used = context.Basis.Select(m => m.Value).ToHashSet();
        var count = (neededBits + 59) / 60;
        _aux = [.. NttPrimes.Generate(60, count + used.Count, n).Where(p => !used.Contains(p)).Take(count).Select(p => new Modulus(p))];
        _auxTables = [.. _aux.Select(p => new NttTables(n, p))];
        _all = [.. data, .. _aux];
        _allTables = [.. context.Tables.Take(level.Primes), .. _auxTables];
        _toAux = new RnsBaseConverter(data, _aux);
        _fromAux = new RnsBaseConverter(_aux, data);

        var p = _aux.Aggregate(BigInteger.One, (product, m) => product * m.Value);
        var qp = q * p;
        _wholeModAux = [.. _aux.Select(_ => new ulong[data.Length])];
        _fraction = new ulong[data.Length];
        for (var i = 0; i < data.Length; i++)
        {
            var qi = data[i].Value;
            var inverse = (ulong)BigInteger.ModPow(qp / qi % qi, qi - 2, qi);
            var numerator = t * p * inverse;
            var whole = numerator / qi;
            for (var j = 0; j < _aux.Length; j++)
            {
                _wholeModAux[j][i] = (ulong)(whole % _aux[j].Value);
            }

            _fraction[i] = (ulong)((numerator % qi) * BigInteger.Pow(2, 64) / qi);
        }

        _wholeModAuxShoup = [.. _aux.Select((pj, j) => _wholeModAux[j].Select(pj.ShoupOf).ToArray())];

        _lambda = [.. _aux.Select(pj => (ulong)(t * (p / pj.Value) * BigInteger.ModPow(qp / pj.Value % pj.Value, pj.Value - 2, pj.Value) % pj.Value))];
        _lambdaShoup = [.. _aux.Select((pj, j) => pj.ShoupOf(_lambda[j]))];
        _oneShoup = [.. _aux.Select(pj => pj.ShoupOf(1))];
    }

    /// <summary>The size-3 product of two size-2 ciphertexts at this level (coefficient form).</summary>
    public RnsPolynomial[] Multiply(IReadOnlyList<RnsPolynomial> a, IReadOnlyList<RnsPolynomial> b)
    {
        var a0 = Lift(a[0]);
        var a1 = Lift(a[1]);
        var b0 = Lift(b[0]);
        var b1 = Lift(b[1]);
        var d0 = a0.Clone();
        d0.MultiplyPointwise(b0);
        var d1 = a0;
        d1.MultiplyPointwise(b1);
        d1.MultiplyAddPointwise(a1, b0);
        var d2 = a1;
        d2.MultiplyPointwise(b1);
        return [ScaleDown(d0), ScaleDown(d1), ScaleDown(d2)];
    }

    /// <summary>A polynomial at this level in coefficient form, extended exactly (centered) to Q ∪ P and put in NTT form.</summary>
    private RnsPolynomial Lift(RnsPolynomial x)
    {
        var n = _context.Degree;
        var data = _primes;
        var lifted = new RnsPolynomial(n, _all, _all.Length, isNtt: false);
        for (var i = 0; i < data; i++)
        {
            x.Row(i).CopyTo(lifted.Row(i));
        }

        _toAux.Convert(lifted, 0, lifted, data);
        lifted.ToNtt(_allTables);
        return lifted;
    }

    /// <summary>
    /// round(t·x / Q) of a tensor coefficient polynomial given over Q ∪ P in NTT form, back at this level. The
    /// fractions are 64-bit fixed point, so the rounding may be off by one, a negligible addition to the noise.
    /// </summary>
    private RnsPolynomial ScaleDown(RnsPolynomial x)
    {
        x.ToCoefficients(_allTables);
        var n = _context.Degree;
        var data = _primes;
        var buffer = ArrayPool<ulong>.Shared.Rent(2 * n);
        var rounded = buffer.AsSpan(0, n);
        var fraction = buffer.AsSpan(n, n);
        rounded.Clear();
        fraction.Clear();
        for (var i = 0; i < data; i++)
        {
            ModularRows.MultiplyAccumulateWide(rounded, fraction, x.Row(i), _fraction[i]);
        }

        for (var c = 0; c < n; c++)
        {
            rounded[c] += fraction[c] >> 63;
        }

        var scaled = new RnsPolynomial(n, _aux, _aux.Length, isNtt: false);
        for (var j = 0; j < _aux.Length; j++)
        {
            var pj = _aux[j];
            var row = scaled.Row(j);
            ModularRows.MultiplyConstant(row, x.Row(data + j), _lambda[j], _lambdaShoup[j], pj);
            for (var i = 0; i < data; i++)
            {
                ModularRows.MultiplyConstantAdd(row, x.Row(i), _wholeModAux[j][i], _wholeModAuxShoup[j][i], pj);
            }

            ModularRows.MultiplyConstantAdd(row, rounded, 1, _oneShoup[j], pj);
        }

        ArrayPool<ulong>.Shared.Return(buffer);
        var result = new RnsPolynomial(n, _context.Basis, data, isNtt: false);
        _fromAux.Convert(scaled, 0, result, 0);
        return result;
    }
}
