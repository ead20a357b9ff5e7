using System.Buffers;
using System.Numerics;
using PrivacyNode.Crypto.Arithmetic;
using PrivacyNode.Crypto.Rlwe;

namespace PrivacyNode.Crypto.Bfv;

/// <summary>
/// The constants of one ciphertext level: the first <see cref="Primes"/> data primes q_0 … q_{ℓ-1}, their product
/// Q_ℓ, Δ·m scaling and decryption for Q_ℓ, the ct×ct multiplier for Q_ℓ (built on first use), and the basis
/// [q_0, …, q_{ℓ-1}, special prime] that key switching works in. Immutable and thread-safe.
/// </summary>
internal sealed class BfvLevel
{
    private readonly Lazy<BfvMultiplier> _multiplier;

    public BfvLevel(BfvContext context, int primes)
    {
        Primes = primes;
        var basis = context.Basis;
        var t = context.Parameters.PlainModulus.Value;
        var q = basis.Take(primes).Aggregate(BigInteger.One, (product, m) => product * m.Value);
        Modulus = q;
        ModulusBits = (int)q.GetBitLength();
        DeltaModQ = [.. basis.Take(primes).Select(m => (ulong)(q / t % m.Value))];
        QModT = (ulong)(q % t);

        DecryptWhole = new ulong[primes];
        DecryptFractionHigh = new ulong[primes];
        DecryptFractionLow = new ulong[primes];
        CrtFactors = new BigInteger[primes];
        for (var i = 0; i < primes; i++)
        {
            var qi = basis[i];
            var punctured = q / qi.Value;
            var inverse = qi.InverseVar((ulong)(punctured % qi.Value));
            var scaled = (UInt128)t * inverse;
            DecryptWhole[i] = (ulong)(scaled / qi.Value);
            var fraction = (BigInteger)(ulong)(scaled % qi.Value) * BigInteger.Pow(2, 128) / qi.Value;
            DecryptFractionHigh[i] = (ulong)(fraction >> 64);
            DecryptFractionLow[i] = (ulong)(fraction & ulong.MaxValue);
            CrtFactors[i] = punctured * inverse;
        }

        var last = basis[primes - 1];
        InverseLastModQ = [.. basis.Take(primes - 1).Select(m => m.InverseVar(m.Reduce(last.Value)))];
        SwitchingBasis = [.. basis.Take(primes), basis[^1]];
        SwitchingTables = [.. context.Tables.Take(primes), context.Tables[^1]];
        _multiplier = new Lazy<BfvMultiplier>(() => new BfvMultiplier(context, this));
    }

    /// <summary>ℓ, the number of primes.</summary>
    public int Primes { get; }

    /// <summary>Q_ℓ.</summary>
    public BigInteger Modulus { get; }

    public int ModulusBits { get; }

    /// <summary>floor(Q_ℓ / t) mod q_i.</summary>
    public ulong[] DeltaModQ { get; }

    /// <summary>Q_ℓ mod t, for the rounding correction of Δ·m.</summary>
    public ulong QModT { get; }

    /// <summary>floor(t·q̃_i / q_i), with q̃_i = (Q_ℓ / q_i)⁻¹ mod q_i.</summary>
    public ulong[] DecryptWhole { get; }

    /// <summary>floor(((t·q̃_i) mod q_i) · 2^128 / q_i), high word: the fraction of t·q̃_i / q_i in 128-bit fixed point.</summary>
    public ulong[] DecryptFractionHigh { get; }

    /// <summary>See <see cref="DecryptFractionHigh"/>.</summary>
    public ulong[] DecryptFractionLow { get; }

    /// <summary>(Q_ℓ / q_i)·q̃_i: the CRT reconstruction factors, for diagnostics.</summary>
    public BigInteger[] CrtFactors { get; }

    /// <summary>q_{ℓ-1}⁻¹ mod q_i for i &lt; ℓ - 1: switching down to the next level.</summary>
    public ulong[] InverseLastModQ { get; }

    /// <summary>[q_0, …, q_{ℓ-1}, special prime].</summary>
    public Modulus[] SwitchingBasis { get; }

    /// <summary>The NTT tables of <see cref="SwitchingBasis"/>.</summary>
    public NttTables[] SwitchingTables { get; }

    public BfvMultiplier Multiplier => _multiplier.Value;

    /// <summary>
    /// Drops the last prime of a polynomial's basis (coefficient form): each other row becomes
    /// round(c / q_last) mod q_i = (c_i - ([c_last + ⌊q_last/2⌋]_{q_last} - ⌊q_last/2⌋)) · q_last⁻¹ (SEAL's divide_and_round_q_last).
    /// </summary>
    public static RnsPolynomial DivideRoundLast(RnsPolynomial polynomial, IReadOnlyList<Modulus> targetBasis, IReadOnlyList<ulong> inverseLast)
    {
        var kept = polynomial.Primes - 1;
        var n = polynomial.Degree;
        var lastModulus = polynomial.Basis[kept];
        var half = lastModulus.Value >> 1;
        var buffer = ArrayPool<ulong>.Shared.Rent(n);
        var shifted = buffer.AsSpan(0, n);
        ModularRows.AddConstant(shifted, polynomial.Row(kept), half, lastModulus);
        var result = new RnsPolynomial(n, targetBasis, kept, isNtt: false);
        for (var i = 0; i < kept; i++)
        {
            var modulus = targetBasis[i];
            ModularRows.SubtractReducedAndScale(result.Row(i), polynomial.Row(i), shifted, modulus.Reduce(half), inverseLast[i], modulus.ShoupOf(inverseLast[i]), modulus);
        }

        ArrayPool<ulong>.Shared.Return(buffer);
        return result;
    }
}
