using System.Numerics;
using System.Runtime.CompilerServices;
using PrivacyNode.Crypto.Arithmetic;
using PrivacyNode.Crypto.Rlwe;

namespace PrivacyNode.Crypto.Bfv;

/// <summary>
/// What every BFV operation under one parameter set shares, computed once: the NTT tables, the constants
/// of Δ·m scaling and of dropping the special prime, the decryption constants, and the batching tables.
/// Ciphertexts live at the data level (every prime but the special one); keys at the key level (all primes).
/// </summary>
internal sealed class BfvContext
{
    private static readonly ConditionalWeakTable<BfvParameters, BfvContext> Contexts = [];

    private readonly Lazy<BfvMultiplier> _multiplier;

    private BfvContext(BfvParameters parameters)
    {
        Parameters = parameters;
        _multiplier = new Lazy<BfvMultiplier>(() => new BfvMultiplier(this));
        Degree = parameters.Degree;
        Basis = parameters.CoefficientModulus;
        KeyPrimes = Basis.Count;
        DataPrimes = Basis.Count - 1;
        Tables = [.. Enumerable.Range(0, KeyPrimes).Select(parameters.NttTablesOf)];
        var t = parameters.PlainModulus.Value;

        var q = Basis.Take(DataPrimes).Aggregate(BigInteger.One, (product, m) => product * m.Value);
        DataModulus = q;
        DataModulusBits = (int)q.GetBitLength();
        DeltaModQ = [.. Basis.Take(DataPrimes).Select(m => (ulong)(q / t % m.Value))];
        QModT = (ulong)(q % t);

        var last = Basis[^1];
        HalfLast = last.Value >> 1;
        InverseLastModQ = [.. Basis.Take(DataPrimes).Select(m => m.InverseVar(m.Reduce(last.Value)))];
        HalfLastModQ = [.. Basis.Take(DataPrimes).Select(m => m.Reduce(HalfLast))];

        DecryptWhole = new ulong[DataPrimes];
        DecryptFractionHigh = new ulong[DataPrimes];
        DecryptFractionLow = new ulong[DataPrimes];
        for (var i = 0; i < DataPrimes; i++)
        {
            var qi = Basis[i];
            var punctured = q / qi.Value;
            var inverse = qi.InverseVar((ulong)(punctured % qi.Value));
            var scaled = (UInt128)t * inverse;
            DecryptWhole[i] = (ulong)(scaled / qi.Value);
            var fraction = (BigInteger)(ulong)(scaled % qi.Value) * BigInteger.Pow(2, 128) / qi.Value;
            DecryptFractionHigh[i] = (ulong)(fraction >> 64);
            DecryptFractionLow[i] = (ulong)(fraction & ulong.MaxValue);
            CrtFactors.Add(punctured * inverse);
        }

        if (parameters.SupportsBatching)
        {
            PlainTables = new NttTables(Degree, parameters.PlainModulus);
            SlotIndex = SlotIndexMap(Degree);
        }
    }

    public BfvParameters Parameters { get; }

    public int Degree { get; }

    public IReadOnlyList<Modulus> Basis { get; }

    public int KeyPrimes { get; }

    public int DataPrimes { get; }

    public NttTables[] Tables { get; }

    /// <summary>Q, the product of the data primes.</summary>
    public BigInteger DataModulus { get; }

    public int DataModulusBits { get; }

    /// <summary>floor(Q / t) mod q_i.</summary>
    public ulong[] DeltaModQ { get; }

    /// <summary>Q mod t, for the rounding correction of Δ·m.</summary>
    public ulong QModT { get; }

    /// <summary>floor(q_last / 2).</summary>
    public ulong HalfLast { get; }

    public ulong[] InverseLastModQ { get; }

    public ulong[] HalfLastModQ { get; }

    /// <summary>floor(t·q̃_i / q_i), with q̃_i = (Q / q_i)⁻¹ mod q_i.</summary>
    public ulong[] DecryptWhole { get; }

    /// <summary>floor(((t·q̃_i) mod q_i) · 2^128 / q_i), high and low words: the fraction of t·q̃_i / q_i in 128-bit fixed point.</summary>
    public ulong[] DecryptFractionHigh { get; }

    /// <summary>See <see cref="DecryptFractionHigh"/>.</summary>
    public ulong[] DecryptFractionLow { get; }

    /// <summary>(Q / q_i)·q̃_i: the CRT reconstruction factors, for diagnostics.</summary>
    public List<BigInteger> CrtFactors { get; } = [];

    /// <summary>NTT tables modulo t, when t batches.</summary>
    public NttTables? PlainTables { get; }

    /// <summary>Slot i of the 2 × n/2 matrix → position in the bit-reversed NTT order mod t (SEAL's index map).</summary>
    public int[]? SlotIndex { get; }

    /// <summary>The ct×ct multiplier (its auxiliary basis is built on first use).</summary>
    public BfvMultiplier Multiplier => _multiplier.Value;

    public static BfvContext Of(BfvParameters parameters) => Contexts.GetValue(parameters, p => new BfvContext(p));

    /// <summary>
    /// Drops the special prime: each data row becomes round(c / q_last) mod q_i, computed as
    /// (c_i - [c_last + q_last/2]_{q_last} + q_last/2) · q_last⁻¹ (SEAL's divide_and_round_q_last). Coefficient form.
    /// </summary>
    public RnsPolynomial DivideRoundLast(RnsPolynomial keyLevel)
    {
        var result = keyLevel.Truncate(DataPrimes);
        var last = keyLevel.Row(KeyPrimes - 1);
        var lastModulus = Basis[^1];
        var shifted = new ulong[Degree];
        for (var j = 0; j < Degree; j++)
        {
            shifted[j] = lastModulus.Add(last[j], HalfLast);
        }

        for (var i = 0; i < DataPrimes; i++)
        {
            var modulus = Basis[i];
            var row = result.Row(i);
            for (var j = 0; j < Degree; j++)
            {
                var lifted = modulus.Subtract(modulus.Reduce(shifted[j]), HalfLastModQ[i]);
                row[j] = modulus.Multiply(modulus.Subtract(row[j], lifted), InverseLastModQ[i]);
            }
        }

        return result;
    }

    /// <summary>c0 += round(Q·m / t) for plaintext coefficients m in [0, t), at the data level (SEAL's scaling variant).</summary>
    public void AddScaledPlain(RnsPolynomial c0, ReadOnlySpan<ulong> plain)
    {
        var t = Parameters.PlainModulus.Value;
        var half = (t + 1) >> 1;
        for (var i = 0; i < DataPrimes; i++)
        {
            var modulus = Basis[i];
            var row = c0.Row(i);
            for (var j = 0; j < Degree; j++)
            {
                var fix = (ulong)((((UInt128)QModT * plain[j]) + half) / t);
                var scaled = modulus.Add(modulus.Multiply(DeltaModQ[i], plain[j]), modulus.Reduce(fix));
                row[j] = modulus.Add(row[j], scaled);
            }
        }
    }

    /// <summary>The plaintext coefficients m in [0, t) lifted into the data primes, negatives (above t/2) as q_i - (t - m).</summary>
    public RnsPolynomial LiftPlain(ReadOnlySpan<ulong> plain)
    {
        var t = Parameters.PlainModulus.Value;
        var threshold = (t + 1) >> 1;
        var lifted = new RnsPolynomial(Degree, Basis, DataPrimes, isNtt: false);
        for (var i = 0; i < DataPrimes; i++)
        {
            var q = Basis[i].Value;
            var row = lifted.Row(i);
            for (var j = 0; j < Degree; j++)
            {
                var m = plain[j];
                row[j] = m >= threshold ? q - (t - m) : m;
            }
        }

        return lifted;
    }

    private static int[] SlotIndexMap(int degree)
    {
        var logDegree = BitOperations.Log2((uint)degree);
        var rowSize = degree >> 1;
        var m = (ulong)degree << 1;
        var map = new int[degree];
        ulong position = 1;
        for (var i = 0; i < rowSize; i++)
        {
            map[i] = NttTables.BitReverse((int)((position - 1) >> 1), logDegree);
            map[rowSize | i] = NttTables.BitReverse((int)((m - position - 1) >> 1), logDegree);
            position = (position * 3) & (m - 1);
        }

        return map;
    }
}
