using PrivacyNode.Crypto.Arithmetic;

namespace PrivacyNode.Crypto.Bfv;

/// <summary>
/// Packs n integers mod t into one plaintext as a 2 × n/2 matrix of slots (SEAL's layout: row i, column j is
/// the evaluation at ψ^(3^j) or ψ^(-3^j)), so that adding and multiplying plaintexts or ciphertexts acts slot
/// by slot, and rotations (later) move columns and swap rows. Needs a batching t. Thread-safe.
/// </summary>
public sealed class BatchEncoder
{
    private readonly BfvContext _context;

    /// <summary>An encoder under <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentException">t is not a prime ≡ 1 (mod 2n).</exception>
    public BatchEncoder(BfvParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!parameters.SupportsBatching)
        {
            throw new ArgumentException($"The plaintext modulus {parameters.PlainModulus} is not a prime congruent to 1 mod {2 * parameters.Degree}, so it cannot batch.", nameof(parameters));
        }

        _context = BfvContext.Of(parameters);
    }

    /// <summary>The number of slots, n.</summary>
    public int SlotCount => _context.Degree;

    /// <summary>Encodes up to n values, each in [0, t); missing slots are 0.</summary>
    public Plaintext Encode(ReadOnlySpan<ulong> values)
    {
        var t = _context.Parameters.PlainModulus.Value;
        if (values.Length > SlotCount)
        {
            throw new ArgumentException($"At most {SlotCount} values fit in one plaintext; got {values.Length}.", nameof(values));
        }

        var plaintext = new Plaintext(_context.Parameters);
        var index = _context.SlotIndex!;
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] >= t)
            {
                throw new ArgumentException($"Slot values are below the plaintext modulus {t}; value {i} is {values[i]}.", nameof(values));
            }

            plaintext.Coefficients[index[i]] = values[i];
        }

        Ntt.Inverse(plaintext.Coefficients, _context.PlainTables!);
        return plaintext;
    }

    /// <summary>Encodes up to n signed values in (-t/2, t/2], each stored as its residue mod t.</summary>
    public Plaintext Encode(ReadOnlySpan<long> values)
    {
        var t = _context.Parameters.PlainModulus.Value;
        var residues = new ulong[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (v > (long)(t / 2) || v <= -(long)((t + 1) / 2))
            {
                throw new ArgumentException($"Signed slot values lie in (-t/2, t/2] for t = {t}; value {i} is {v}.", nameof(values));
            }

            residues[i] = v >= 0 ? (ulong)v : t - (ulong)(-v);
        }

        return Encode(residues);
    }

    /// <summary>The n slot values of <paramref name="plaintext"/>, each in [0, t).</summary>
    public ulong[] Decode(Plaintext plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        plaintext.Validate();
        var evaluations = (ulong[])plaintext.Coefficients.Clone();
        Ntt.Forward(evaluations, _context.PlainTables!);
        var index = _context.SlotIndex!;
        var values = new ulong[SlotCount];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = evaluations[index[i]];
        }

        return values;
    }

    /// <summary>The n slot values as signed integers in (-t/2, t/2].</summary>
    public long[] DecodeSigned(Plaintext plaintext)
    {
        var t = _context.Parameters.PlainModulus.Value;
        return [.. Decode(plaintext).Select(v => v > t / 2 ? -(long)(t - v) : (long)v)];
    }
}
