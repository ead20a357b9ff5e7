using System.Security.Cryptography;
using PrivacyNode.Crypto.Arithmetic;

namespace PrivacyNode.Crypto.Rlwe;

/// <summary>
/// A polynomial of Z_Q[x]/(x^n + 1) in RNS form: one row of n residues in [0, q_i) per prime q_i of a basis,
/// all in coefficient form or all in NTT form. Operations work in place on polynomials of the same degree,
/// basis and form. Not thread-safe; <see cref="Clear"/> zeroes secret contents.
/// </summary>
internal sealed class RnsPolynomial
{
    private readonly ulong[][] _rows; // one array per prime: rows up to n = 8192 stay off the large-object heap

    /// <summary>The zero polynomial over the first <paramref name="primes"/> moduli of <paramref name="basis"/>.</summary>
    public RnsPolynomial(int degree, IReadOnlyList<Modulus> basis, int primes, bool isNtt)
    {
        ArgumentNullException.ThrowIfNull(basis);
        if (primes < 1 || primes > basis.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(primes), primes, $"Between 1 and {basis.Count} primes.");
        }

        Degree = degree;
        Basis = basis;
        Primes = primes;
        IsNtt = isNtt;
        _rows = new ulong[primes][];
        for (var i = 0; i < primes; i++)
        {
            _rows[i] = new ulong[degree];
        }
    }

    /// <summary>A copy of the first <paramref name="primes"/> rows of <paramref name="source"/>.</summary>
    private RnsPolynomial(RnsPolynomial source, int primes)
    {
        if (primes < 1 || primes > source.Primes)
        {
            throw new ArgumentOutOfRangeException(nameof(primes), primes, $"Between 1 and {source.Primes} primes.");
        }

        Degree = source.Degree;
        Basis = source.Basis;
        Primes = primes;
        IsNtt = source.IsNtt;
        _rows = new ulong[primes][];
        for (var i = 0; i < primes; i++)
        {
            _rows[i] = (ulong[])source._rows[i].Clone();
        }
    }

    /// <summary>n.</summary>
    public int Degree { get; }

    /// <summary>The moduli; the polynomial uses the first <see cref="Primes"/> of them.</summary>
    public IReadOnlyList<Modulus> Basis { get; }

    /// <summary>The number of RNS rows.</summary>
    public int Primes { get; }

    /// <summary>Whether the rows hold NTT values rather than coefficients.</summary>
    public bool IsNtt { get; private set; }

    /// <summary>Row <paramref name="index"/>: n residues modulo prime <paramref name="index"/>.</summary>
    public Span<ulong> Row(int index) => _rows[index];

    /// <summary>A polynomial with small signed coefficients (a secret, an error), reduced into each row.</summary>
    public static RnsPolynomial FromSmall(ReadOnlySpan<sbyte> coefficients, IReadOnlyList<Modulus> basis, int primes)
    {
        var polynomial = new RnsPolynomial(coefficients.Length, basis, primes, isNtt: false);
        for (var i = 0; i < primes; i++)
        {
            var q = basis[i].Value;
            var row = polynomial.Row(i);
            for (var j = 0; j < coefficients.Length; j++)
            {
                var c = (long)coefficients[j];
                row[j] = (ulong)c + (q & (ulong)(c >> 63)); // c + q when c < 0, without a branch
            }
        }

        return polynomial;
    }

    /// <summary>A copy.</summary>
    public RnsPolynomial Clone() => Truncate(Primes);

    /// <summary>A copy of the first <paramref name="primes"/> rows.</summary>
    public RnsPolynomial Truncate(int primes) => new(this, primes);

    /// <summary>Transforms every row to NTT form with <paramref name="tables"/> (one per prime).</summary>
    public void ToNtt(IReadOnlyList<NttTables> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        Require(!IsNtt, "The polynomial is already in NTT form.");
        for (var i = 0; i < Primes; i++)
        {
            Ntt.Forward(Row(i), tables[i]);
        }

        IsNtt = true;
    }

    /// <summary>Transforms every row back to coefficients.</summary>
    public void ToCoefficients(IReadOnlyList<NttTables> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        Require(IsNtt, "The polynomial is already in coefficient form.");
        for (var i = 0; i < Primes; i++)
        {
            Ntt.Inverse(Row(i), tables[i]);
        }

        IsNtt = false;
    }

    /// <summary>this += other.</summary>
    public void Add(RnsPolynomial other)
    {
        Compatible(other);
        for (var i = 0; i < Primes; i++)
        {
            ModularRows.Add(Row(i), other.Row(i), Basis[i]);
        }
    }

    /// <summary>this -= other.</summary>
    public void Subtract(RnsPolynomial other)
    {
        Compatible(other);
        for (var i = 0; i < Primes; i++)
        {
            ModularRows.Subtract(Row(i), other.Row(i), Basis[i]);
        }
    }

    /// <summary>this = -this.</summary>
    public void Negate()
    {
        for (var i = 0; i < Primes; i++)
        {
            ModularRows.Negate(Row(i), Basis[i]);
        }
    }

    /// <summary>this ⊙= other, value by value; both in NTT form, so this is the negacyclic product.</summary>
    public void MultiplyPointwise(RnsPolynomial other)
    {
        Compatible(other);
        Require(IsNtt, "Products are taken in NTT form.");
        for (var i = 0; i < Primes; i++)
        {
            ModularRows.Multiply(Row(i), other.Row(i), Basis[i]);
        }
    }

    /// <summary>this += a ⊙ b, value by value, all in NTT form.</summary>
    public void MultiplyAddPointwise(RnsPolynomial a, RnsPolynomial b)
    {
        Compatible(a);
        Compatible(b);
        Require(IsNtt, "Products are taken in NTT form.");
        for (var i = 0; i < Primes; i++)
        {
            ModularRows.MultiplyAdd(Row(i), a.Row(i), b.Row(i), Basis[i]);
        }
    }

    /// <summary>Declares the rows' form without transforming them, for a scratch polynomial whose rows are overwritten next.</summary>
    internal void DeclareForm(bool isNtt) => IsNtt = isNtt;

    /// <summary>Zeroes every residue.</summary>
    public void Clear()
    {
        foreach (var row in _rows)
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(row.AsSpan()));
        }
    }

    private void Compatible(RnsPolynomial other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Degree != Degree || other.Primes < Primes || other.IsNtt != IsNtt || !ReferenceEquals(other.Basis, Basis) && !other.Basis.Take(Primes).SequenceEqual(Basis.Take(Primes)))
        {
            throw new ArgumentException("The polynomials differ in degree, basis or form.", nameof(other));
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
