using PrivacyNode.Crypto.Rlwe;

namespace PrivacyNode.Crypto.Bfv;

/// <summary>
/// Homomorphic operations on ciphertexts of one parameter set. Every operation returns a new ciphertext and
/// leaves its inputs unchanged. Thread-safe.
/// </summary>
public sealed class Evaluator
{
    private readonly BfvContext _context;

    /// <summary>An evaluator under <paramref name="parameters"/>.</summary>
    public Evaluator(BfvParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _context = BfvContext.Of(parameters);
    }

    /// <summary>a + b (the result has the larger size of the two).</summary>
    public Ciphertext Add(Ciphertext a, Ciphertext b) => Combine(a, b, (x, y) => x.Add(y));

    /// <summary>a - b.</summary>
    public Ciphertext Subtract(Ciphertext a, Ciphertext b) => Combine(a, b, (x, y) => x.Subtract(y));

    /// <summary>-a.</summary>
    public Ciphertext Negate(Ciphertext a)
    {
        Check(a);
        var result = a.Clone();
        foreach (var polynomial in result.Polynomials)
        {
            polynomial.Negate();
        }

        return result;
    }

    /// <summary>a + m.</summary>
    public Ciphertext AddPlain(Ciphertext a, Plaintext plaintext)
    {
        Check(a);
        Check(plaintext);
        var result = a.Clone();
        _context.AddScaledPlain(result.Polynomials[0], plaintext.Coefficients);
        return result;
    }

    /// <summary>a - m.</summary>
    public Ciphertext SubtractPlain(Ciphertext a, Plaintext plaintext)
    {
        Check(a);
        Check(plaintext);
        var negated = new Plaintext(_context.Parameters);
        var t = _context.Parameters.PlainModulus.Value;
        for (var j = 0; j < negated.Coefficients.Length; j++)
        {
            var m = plaintext.Coefficients[j];
            negated.Coefficients[j] = m == 0 ? 0 : t - m;
        }

        return AddPlain(a, negated);
    }

    /// <summary>m lifted into the data primes in NTT form, for repeated products.</summary>
    public NttPlaintext TransformToNtt(Plaintext plaintext)
    {
        Check(plaintext);
        var lifted = _context.LiftPlain(plaintext.Coefficients);
        lifted.ToNtt(_context.Tables);
        return new NttPlaintext(_context.Parameters, lifted);
    }

    /// <summary>a·m.</summary>
    public Ciphertext MultiplyPlain(Ciphertext a, Plaintext plaintext) => MultiplyPlain(a, TransformToNtt(plaintext));

    /// <summary>a·m for a plaintext already in NTT form.</summary>
    public Ciphertext MultiplyPlain(Ciphertext a, NttPlaintext plaintext)
    {
        Check(a);
        ArgumentNullException.ThrowIfNull(plaintext);
        if (!plaintext.Parameters.Id.Span.SequenceEqual(_context.Parameters.Id.Span))
        {
            throw new ArgumentException("The plaintext was made under other parameters.", nameof(plaintext));
        }

        var result = a.Clone();
        foreach (var polynomial in result.Polynomials)
        {
            polynomial.ToNtt(_context.Tables);
            polynomial.MultiplyPointwise(plaintext.Value);
            polynomial.ToCoefficients(_context.Tables);
        }

        return result;
    }

    private Ciphertext Combine(Ciphertext a, Ciphertext b, Action<RnsPolynomial, RnsPolynomial> operation)
    {
        Check(a);
        Check(b);
        var polynomials = new List<RnsPolynomial>(Math.Max(a.Size, b.Size));
        for (var k = 0; k < polynomials.Capacity; k++)
        {
            var target = k < a.Size ? a.Polynomials[k].Clone() : new RnsPolynomial(_context.Degree, _context.Basis, _context.DataPrimes, isNtt: false);
            if (k < b.Size)
            {
                operation(target, b.Polynomials[k]);
            }

            polynomials.Add(target);
        }

        return new Ciphertext(_context.Parameters, polynomials);
    }

    private void Check(Ciphertext ciphertext)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        if (!ciphertext.Parameters.Id.Span.SequenceEqual(_context.Parameters.Id.Span))
        {
            throw new ArgumentException("The ciphertext was made under other parameters.", nameof(ciphertext));
        }
    }

    private void Check(Plaintext plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        if (!plaintext.Parameters.Id.Span.SequenceEqual(_context.Parameters.Id.Span))
        {
            throw new ArgumentException("The plaintext was made under other parameters.", nameof(plaintext));
        }

        plaintext.Validate();
    }
}
