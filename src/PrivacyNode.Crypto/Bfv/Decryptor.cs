using System.Numerics;
using PrivacyNode.Crypto.Rlwe;

namespace PrivacyNode.Crypto.Bfv;

/// <summary>
/// Decrypts with the secret key: m = round(t·[c0 + c1·s + …]_Q / Q) mod t, computed in RNS without big
/// integers or divisions (each t·q̃_i / q_i split into a whole part and a 128-bit fixed-point fraction), and reports the invariant
/// noise budget (local diagnostics only: never send it to a peer). Thread-safe.
/// </summary>
public sealed class Decryptor
{
    private readonly BfvContext _context;
    private readonly SecretKey _secretKey;

    /// <summary>A decryptor under <paramref name="secretKey"/> (which must outlive it).</summary>
    public Decryptor(SecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        _secretKey = secretKey;
        _context = BfvContext.Of(secretKey.Parameters);
    }

    /// <summary>The plaintext of <paramref name="ciphertext"/> (garbage once its noise budget is 0).</summary>
    public Plaintext Decrypt(Ciphertext ciphertext)
    {
        var x = Phase(ciphertext);
        var level = _context.Level(x.Primes);
        var plaintext = new Plaintext(_context.Parameters);
        var t = _context.Parameters.PlainModulus;
        for (var j = 0; j < _context.Degree; j++)
        {
            // t·x/Q ≡ Σ x_i·(t·q̃_i / q_i) (mod t): whole parts exactly, fractions in 2^-64 units (error below 2^-60 in all).
            UInt128 whole = 0;
            UInt128 fraction = 0;
            for (var i = 0; i < level.Primes; i++)
            {
                var xi = x.Row(i)[j];
                var high = Math.BigMul(xi, level.DecryptFractionHigh[i], out var middle);
                var carryIn = Math.BigMul(xi, level.DecryptFractionLow[i], out _);
                var sum = middle + carryIn;
                whole += ((UInt128)xi * level.DecryptWhole[i]) + high + (sum < middle ? 1UL : 0UL);
                fraction += sum;
            }

            whole += (fraction + (1UL << 63)) >> 64;
            plaintext.Coefficients[j] = t.Reduce((ulong)(whole >> 64), (ulong)whole);
        }

        x.Clear();
        return plaintext;
    }

    /// <summary>
    /// log2 Q_ℓ minus the bits of ‖t·[c0 + c1·s + …]_Q‖∞ minus 1, at least 0 (SEAL's invariant noise budget):
    /// the ciphertext decrypts correctly while it is positive.
    /// </summary>
    public int InvariantNoiseBudget(Ciphertext ciphertext)
    {
        var x = Phase(ciphertext);
        var level = _context.Level(x.Primes);
        var q = level.Modulus;
        var t = _context.Parameters.PlainModulus.Value;
        var largest = BigInteger.Zero;
        for (var j = 0; j < _context.Degree; j++)
        {
            var value = BigInteger.Zero;
            for (var i = 0; i < level.Primes; i++)
            {
                value += x.Row(i)[j] * level.CrtFactors[i];
            }

            value = value * t % q;
            largest = BigInteger.Max(largest, BigInteger.Min(value, q - value));
        }

        x.Clear();
        return Math.Max(0, level.ModulusBits - (int)largest.GetBitLength() - 1);
    }

    /// <summary>[c0 + c1·s + c2·s² + …]_Q in coefficient form: (c1 + c2·s + …)·s by Horner's rule in NTT form, then + c0.</summary>
    private RnsPolynomial Phase(Ciphertext ciphertext)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        if (!ciphertext.Parameters.Id.Span.SequenceEqual(_context.Parameters.Id.Span))
        {
            throw new ArgumentException("The ciphertext was made under other parameters.", nameof(ciphertext));
        }

        var polynomials = ciphertext.Polynomials;
        var phase = polynomials[^1].Clone();
        phase.ToNtt(_context.Tables);
        for (var k = polynomials.Count - 2; k >= 1; k--)
        {
            phase.MultiplyPointwise(_secretKey.Value);
            var next = polynomials[k].Clone();
            next.ToNtt(_context.Tables);
            phase.Add(next);
        }

        phase.MultiplyPointwise(_secretKey.Value);
        phase.ToCoefficients(_context.Tables);
        phase.Add(polynomials[0]);
        return phase;
    }
}
