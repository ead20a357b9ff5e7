using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using PrivacyNode.Crypto.Arithmetic;
using PrivacyNode.Crypto.Rlwe;

namespace PrivacyNode.Crypto.Bfv;

/// <summary>
/// What every BFV operation under one parameter set shares, computed once: the NTT tables, the constants
/// of dropping the special prime, the constants of every ciphertext level (<see cref="BfvLevel"/>), and the
/// batching tables. Fresh ciphertexts are at the top level (every prime but the special one); modulus switching
/// moves them down one prime at a time. Keys are at the key level (all primes).
/// </summary>
internal sealed class BfvContext
{
    private static readonly ConditionalWeakTable<BfvParameters, BfvContext> Contexts = [];

    private BfvContext(BfvParameters parameters)
    {
        Parameters = parameters;
        Degree = parameters.Degree;
        Basis = parameters.CoefficientModulus;
        KeyPrimes = Basis.Count;
        DataPrimes = Basis.Count - 1;
        Tables = [.. Enumerable.Range(0, KeyPrimes).Select(parameters.NttTablesOf)];
        var special = Basis[^1];
        InverseSpecialModQ = [.. Basis.Take(DataPrimes).Select(m => m.InverseVar(m.Reduce(special.Value)))];
        Levels = [.. Enumerable.Range(1, DataPrimes).Select(primes => new BfvLevel(this, primes))];

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

    /// <summary>The special prime's inverse mod each data prime.</summary>
    public ulong[] InverseSpecialModQ { get; }

    /// <summary>The ciphertext levels, by number of primes minus one; fresh ciphertexts are at the top (<see cref="DataPrimes"/>).</summary>
    public BfvLevel[] Levels { get; }

    /// <summary>NTT tables modulo t, when t batches.</summary>
    public NttTables? PlainTables { get; }

    /// <summary>Slot i of the 2 × n/2 matrix → position in the bit-reversed NTT order mod t (SEAL's index map).</summary>
    public int[]? SlotIndex { get; }

    /// <summary>The level of a ciphertext or polynomial with <paramref name="primes"/> data primes.</summary>
    public BfvLevel Level(int primes) => Levels[primes - 1];

    public static BfvContext Of(BfvParameters parameters) => Contexts.GetValue(parameters, p => new BfvContext(p));

    /// <summary>Drops the special prime from a polynomial over [q_0, …, q_{ℓ-1}, special] (coefficient form), leaving ℓ data rows.</summary>
    public RnsPolynomial DivideRoundSpecial(RnsPolynomial polynomial) => BfvLevel.DivideRoundLast(polynomial, Basis, InverseSpecialModQ);

    /// <summary>c0 += round(Q_ℓ·m / t) for plaintext coefficients m in [0, t), at c0's level (SEAL's scaling variant).</summary>
    public void AddScaledPlain(RnsPolynomial c0, ReadOnlySpan<ulong> plain)
    {
        var t = Parameters.PlainModulus.Value;
        var half = (t + 1) >> 1;
        var level = Level(c0.Primes);
        var buffer = ArrayPool<ulong>.Shared.Rent(Degree);
        // round(Q·m / t) − Δ·m = ⌊([Q]_t·m + ⌈t/2⌉) / t⌋, the same for every prime. The quotient of [Q]_t·m by t is
        // Shoup's estimate ⌊m·⌊[Q]_t·2^64 / t⌋ / 2^64⌋, at most one too small; the remainder (below 2t, plus
        // ⌈t/2⌉) then adds 0, 1 or 2, without a branch on m.
        var fix = buffer.AsSpan(0, Degree);
        var w = level.QModT;
        var wShoup = Parameters.PlainModulus.ShoupOf(w);
        for (var j = 0; j < Degree; j++)
        {
            var m = plain[j];
            var estimate = Math.BigMul(m, wShoup, out _);
            var rest = (m * w) - (estimate * t) + half;
            fix[j] = estimate + 2 - ((rest - t) >> 63) - ((rest - (2 * t)) >> 63);
        }

        for (var i = 0; i < level.Primes; i++)
        {
            var modulus = Basis[i];
            var row = c0.Row(i);
            ModularRows.MultiplyConstantAdd(row, plain, level.DeltaModQ[i], modulus.ShoupOf(level.DeltaModQ[i]), modulus);
            ModularRows.MultiplyConstantAdd(row, fix, 1, modulus.ShoupOf(1), modulus);
        }

        ArrayPool<ulong>.Shared.Return(buffer);
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
