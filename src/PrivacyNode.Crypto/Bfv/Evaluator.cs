using PrivacyNode.Crypto.Arithmetic;
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

    /// <summary>a·b for two fresh-size (2) ciphertexts: a size-3 ciphertext, to be relinearized.</summary>
    public Ciphertext Multiply(Ciphertext a, Ciphertext b)
    {
        Check(a);
        Check(b);
        if (a.Size != 2 || b.Size != 2)
        {
            throw new ArgumentException("Multiply takes two ciphertexts of size 2; relinearize first.");
        }

        SameLevel(a, b);
        return new Ciphertext(_context.Parameters, _context.Level(a.Level).Multiplier.Multiply(a.Polynomials, b.Polynomials));
    }

    /// <summary>a at the next level down: the last of its primes divided out (with rounding), which also divides the noise by it.</summary>
    /// <exception cref="ArgumentException">a is already at the lowest level (one prime).</exception>
    public Ciphertext ModSwitchToNext(Ciphertext a)
    {
        Check(a);
        if (a.Level < 2)
        {
            throw new ArgumentException("The ciphertext is at the lowest level already.", nameof(a));
        }

        var level = _context.Level(a.Level);
        return new Ciphertext(_context.Parameters, [.. a.Polynomials.Select(p => BfvLevel.DivideRoundLast(p, _context.Basis, level.InverseLastModQ))]);
    }

    /// <summary>A size-3 ciphertext switched back to size 2 with <paramref name="keys"/>.</summary>
    public Ciphertext Relinearize(Ciphertext a, RelinearizationKeys keys)
    {
        Check(a);
        ArgumentNullException.ThrowIfNull(keys);
        if (!keys.Parameters.Id.Span.SequenceEqual(_context.Parameters.Id.Span))
        {
            throw new ArgumentException("The relinearization keys were made under other parameters.", nameof(keys));
        }

        if (a.Size != 3)
        {
            throw new ArgumentException($"Relinearize takes a ciphertext of size 3; this one has size {a.Size}.", nameof(a));
        }

        var (switched0, switched1) = SwitchKey(a.Polynomials[2], keys.Keys);
        switched0.Add(a.Polynomials[0]);
        switched1.Add(a.Polynomials[1]);
        return new Ciphertext(_context.Parameters, [switched0, switched1]);
    }

    /// <summary>Rotates both rows of slots left by <paramref name="steps"/> (right when negative; |steps| &lt; n/2).</summary>
    public Ciphertext RotateRows(Ciphertext a, int steps, GaloisKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return steps == 0 ? a.Clone() : ApplyGalois(a, GaloisKeys.ElementOf(_context.Degree, steps), keys);
    }

    /// <summary>Swaps the two rows of slots.</summary>
    public Ciphertext RotateColumns(Ciphertext a, GaloisKeys keys) => ApplyGalois(a, GaloisKeys.ElementOf(_context.Degree, 0), keys);

    private Ciphertext ApplyGalois(Ciphertext a, int element, GaloisKeys keys)
    {
        Check(a);
        if (!keys.Parameters.Id.Span.SequenceEqual(_context.Parameters.Id.Span))
        {
            throw new ArgumentException("The Galois keys were made under other parameters.", nameof(keys));
        }

        if (a.Size != 2)
        {
            throw new ArgumentException($"Rotations take a ciphertext of size 2; this one has size {a.Size}.", nameof(a));
        }

        if (!keys.Keys.TryGetValue(element, out var key))
        {
            throw new ArgumentException($"The Galois keys hold no key for element {element}; create them with this rotation.", nameof(keys));
        }

        var c0 = new RnsPolynomial(_context.Degree, _context.Basis, a.Level, isNtt: false);
        var c1 = new RnsPolynomial(_context.Degree, _context.Basis, a.Level, isNtt: false);
        GaloisKeys.Apply(a.Polynomials[0], element, c0);
        GaloisKeys.Apply(a.Polynomials[1], element, c1);
        var (d0, d1) = SwitchKey(c1, key);
        d0.Add(c0);
        return new Ciphertext(_context.Parameters, [d0, d1]);
    }

    /// <summary>
    /// Σ_i [c]_{q_i}·key_i over [q_0, …, q_{ℓ-1}, special] for c at level ℓ (the keys' other rows are not needed),
    /// divided by the special prime: (d0, d1) with d0 + d1·s ≈ c·s' at level ℓ.
    /// </summary>
    private (RnsPolynomial, RnsPolynomial) SwitchKey(RnsPolynomial c, IReadOnlyList<SwitchingKey> keys)
    {
        var n = _context.Degree;
        var level = _context.Level(c.Primes);
        var basis = level.SwitchingBasis;
        var rows = basis.Length;
        var keyRow = new int[rows];
        for (var k = 0; k < rows; k++)
        {
            keyRow[k] = k < level.Primes ? k : _context.KeyPrimes - 1;
        }

        var acc0 = new RnsPolynomial(n, basis, rows, isNtt: true);
        var acc1 = new RnsPolynomial(n, basis, rows, isNtt: true);
        var digit = new RnsPolynomial(n, basis, rows, isNtt: false);
        for (var i = 0; i < level.Primes; i++)
        {
            var source = c.Row(i);
            for (var k = 0; k < rows; k++)
            {
                ModularRows.Reduce(digit.Row(k), source, basis[k]);
            }

            digit.ToNtt(level.SwitchingTables);
            for (var k = 0; k < rows; k++)
            {
                var d = digit.Row(k);
                ModularRows.MultiplyAdd(acc0.Row(k), d, keys[i].B.Row(keyRow[k]), basis[k]);
                ModularRows.MultiplyAdd(acc1.Row(k), d, keys[i].A.Row(keyRow[k]), basis[k]);
            }

            digit.DeclareForm(isNtt: false);
        }

        acc0.ToCoefficients(level.SwitchingTables);
        acc1.ToCoefficients(level.SwitchingTables);
        return (_context.DivideRoundSpecial(acc0), _context.DivideRoundSpecial(acc1));
    }

    private Ciphertext Combine(Ciphertext a, Ciphertext b, Action<RnsPolynomial, RnsPolynomial> operation)
    {
        Check(a);
        Check(b);
        SameLevel(a, b);
        var polynomials = new List<RnsPolynomial>(Math.Max(a.Size, b.Size));
        for (var k = 0; k < polynomials.Capacity; k++)
        {
            var target = k < a.Size ? a.Polynomials[k].Clone() : new RnsPolynomial(_context.Degree, _context.Basis, a.Level, isNtt: false);
            if (k < b.Size)
            {
                operation(target, b.Polynomials[k]);
            }

            polynomials.Add(target);
        }

        return new Ciphertext(_context.Parameters, polynomials);
    }

    private static void SameLevel(Ciphertext a, Ciphertext b)
    {
        if (a.Level != b.Level)
        {
            throw new ArgumentException($"The ciphertexts are at different levels ({a.Level} and {b.Level} primes); switch the higher one down first.");
        }
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
