using System.Numerics;
using System.Security.Cryptography;
using PrivacyNode.Crypto.Arithmetic;

namespace PrivacyNode.Crypto.Bfv;

/// <summary>
/// A validated, immutable BFV parameter set: ring degree n, coefficient modulus q = q_0·…·q_k (NTT-friendly
/// primes; the last is the special prime used only for key switching) and plaintext modulus t, with the
/// NTT tables of every prime. Created only through <see cref="Create"/>. Thread-safe.
/// </summary>
public sealed class BfvParameters
{
    /// <summary>Largest total coefficient-modulus bits for 128-bit classical security, by degree (HE standard, ternary secret).</summary>
    private static readonly Dictionary<int, int> MaxBits128 = new()
    {
        [1024] = 27, [2048] = 54, [4096] = 109, [8192] = 218, [16384] = 438, [32768] = 881,
    };

    private readonly NttTables[] _tables;

    private BfvParameters(int degree, Modulus[] coefficientModulus, Modulus plainModulus, BfvSecurity security, NttTables[] tables)
    {
        Degree = degree;
        CoefficientModulus = coefficientModulus;
        PlainModulus = plainModulus;
        Security = security;
        _tables = tables;
        SupportsBatching = (plainModulus.Value - 1) % (2UL * (ulong)degree) == 0 && NttPrimes.IsPrime(plainModulus.Value);
        TotalCoefficientModulusBits = coefficientModulus.Sum(q => q.BitCount);
        DeltaBits = (int)(coefficientModulus.SkipLast(1).Aggregate(System.Numerics.BigInteger.One, (q, p) => q * p.Value) / plainModulus.Value).GetBitLength() - 1;
        Id = ComputeId(degree, coefficientModulus, plainModulus);
    }

    /// <summary>n.</summary>
    public int Degree { get; }

    /// <summary>The primes of q, the special prime last.</summary>
    public IReadOnlyList<Modulus> CoefficientModulus { get; }

    /// <summary>t.</summary>
    public Modulus PlainModulus { get; }

    /// <summary>The level the set was checked against.</summary>
    public BfvSecurity Security { get; }

    /// <summary>Whether t is a prime ≡ 1 (mod 2n), so that the batch encoder can pack n slots.</summary>
    public bool SupportsBatching { get; }

    /// <summary>The sum of the primes' bit counts.</summary>
    public int TotalCoefficientModulusBits { get; }

    /// <summary>⌊log2 Δ⌋ for Δ = ⌊Q/t⌋ over the data primes: the room a fresh ciphertext's message leaves for noise.</summary>
    public int DeltaBits { get; }

    /// <summary>A 16-byte identifier of (n, q, t), carried by every serialized object made under these parameters.</summary>
    public ReadOnlyMemory<byte> Id { get; }

    /// <summary>The NTT tables of coefficient prime <paramref name="index"/>.</summary>
    internal NttTables NttTablesOf(int index) => _tables[index];

    /// <summary>Validates <paramref name="literal"/> and builds the parameter set.</summary>
    /// <exception cref="ArgumentException">Naming the first problem: degree, primes, plaintext modulus or security bound.</exception>
    public static BfvParameters Create(BfvParametersLiteral literal)
    {
        ArgumentNullException.ThrowIfNull(literal);
        var n = literal.Degree;
        var minimum = literal.Security == BfvSecurity.None ? 2 : 1024;
        if (n < minimum || n > 32768 || !BitOperations.IsPow2(n))
        {
            throw new ArgumentException($"The degree is a power of two from {minimum} to 32768; got {n}.", nameof(literal));
        }

        var primes = Primes(literal);
        if (primes.Count < 2)
        {
            throw new ArgumentException("The coefficient modulus needs at least two primes: one or more for data and the special prime for key switching.", nameof(literal));
        }

        if (primes.Distinct().Count() != primes.Count)
        {
            throw new ArgumentException("The coefficient-modulus primes must be distinct.", nameof(literal));
        }

        var moduli = primes.Select(p => new Modulus(p)).ToArray();
        var tables = moduli.Select(q => new NttTables(n, q)).ToArray(); // refuses a prime that is not ≡ 1 mod 2n
        var bits = moduli.Sum(q => q.BitCount);
        if (literal.Security == BfvSecurity.Classical128 && bits > MaxBits128[n])
        {
            throw new ArgumentException($"A {bits}-bit coefficient modulus is above the {MaxBits128[n]} bits that give 128-bit security at degree {n}.", nameof(literal));
        }

        // Below every (prime) data q_i, t is coprime to them, as BFV needs. The special prime only serves key
        // switching and public-key encryption, where t plays no part, so t need only not be a multiple of it.
        var t = literal.PlainModulus;
        if (t < 2 || t >= moduli.SkipLast(1).Min(q => q.Value) || t % moduli[^1].Value == 0)
        {
            throw new ArgumentException($"The plaintext modulus is at least 2, below every data prime and not a multiple of the special prime; got {t}.", nameof(literal));
        }

        return new BfvParameters(n, moduli, new Modulus(t), literal.Security, tables);
    }

    /// <summary>The largest prime of <paramref name="bits"/> bits that enables batching at degree <paramref name="degree"/> (SEAL's <c>PlainModulus::Batching</c>).</summary>
    public static ulong BatchingPlainModulus(int degree, int bits) => NttPrimes.Generate(bits, 1, degree)[0];

    private static List<ulong> Primes(BfvParametersLiteral literal)
    {
        if (literal.CoefficientModulus is { Count: > 0 } given)
        {
            return literal.CoefficientModulusBits is { Count: > 0 }
                ? throw new ArgumentException("Give the coefficient modulus as bit sizes or as primes, not both.", nameof(literal))
                : [.. given];
        }

        var sizes = literal.CoefficientModulusBits ?? throw new ArgumentException("The coefficient modulus is missing.", nameof(literal));
        if (sizes.Any(b => b is < 10 or > 60))
        {
            throw new ArgumentException("Coefficient primes are 10 to 60 bits.", nameof(literal));
        }

        // As SEAL: for each distinct size, the largest primes of that size, handed out in the order the sizes are listed.
        var pools = sizes.GroupBy(b => b).ToDictionary(g => g.Key, g => new Queue<ulong>(NttPrimes.Generate(g.Key, g.Count(), literal.Degree)));
        return [.. sizes.Select(b => pools[b].Dequeue())];
    }

    private static byte[] ComputeId(int degree, Modulus[] primes, Modulus plain)
    {
        var text = $"bfv;{degree};{string.Join(',', primes.Select(p => p.Value))};{plain.Value}";
        return SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(text))[..16];
    }
}
