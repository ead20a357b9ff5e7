using PrivacyNode.Crypto.Rlwe;

namespace PrivacyNode.Crypto.Bfv;

/// <summary>Makes a fresh secret key and the public key that goes with it. Randomness from the OS CSPRNG.</summary>
public sealed class KeyGenerator
{
    /// <summary>Domain of the uniform polynomial a of public keys in <see cref="UniformSampler"/> streams.</summary>
    internal const uint PublicKeyDomain = 1;

    /// <summary>Domain of the uniform polynomials of relinearization keys.</summary>
    internal const uint RelinearizationDomain = 3;

    /// <summary>Domain of the uniform polynomials of Galois keys.</summary>
    internal const uint GaloisDomain = 4;

    private readonly BfvContext _context;

    /// <summary>A generator under <paramref name="parameters"/>.</summary>
    public KeyGenerator(BfvParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _context = BfvContext.Of(parameters);
    }

    /// <summary>A fresh ternary secret key.</summary>
    public SecretKey CreateSecretKey()
    {
        var coefficients = new sbyte[_context.Degree];
        SecretSampler.Ternary(coefficients);
        var s = RnsPolynomial.FromSmall(coefficients, _context.Basis, _context.KeyPrimes);
        Array.Clear(coefficients);
        s.ToNtt(_context.Tables);
        return new SecretKey(_context.Parameters, s);
    }

    /// <summary>The public key of <paramref name="secretKey"/>, with a fresh seed and error.</summary>
    public PublicKey CreatePublicKey(SecretKey secretKey) => CreatePublicKey(secretKey, UniformSampler.NewSeed());

    /// <summary>The public key of <paramref name="secretKey"/> whose a is drawn from <paramref name="seed"/> (32 bytes), with a fresh error.</summary>
    internal PublicKey CreatePublicKey(SecretKey secretKey, byte[] seed)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        var a = Uniform(seed, PublicKeyDomain);
        return new PublicKey(_context.Parameters, EncryptZero(a, secretKey), a, seed);
    }

    /// <summary>Relinearization keys for <paramref name="secretKey"/>: one key-switching key from s² per data prime.</summary>
    public RelinearizationKeys CreateRelinearizationKeys(SecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        var square = secretKey.Value.Clone();
        square.MultiplyPointwise(secretKey.Value);
        var keys = SwitchingKeys(secretKey, square, RelinearizationDomain);
        square.Clear();
        return new RelinearizationKeys(_context.Parameters, keys);
    }

    /// <summary>
    /// Galois keys for row rotations by each of <paramref name="steps"/> (left when positive, |step| &lt; n/2) and,
    /// when <paramref name="columnSwap"/>, for swapping the two rows of slots.
    /// </summary>
    public GaloisKeys CreateGaloisKeys(SecretKey secretKey, IEnumerable<int> steps, bool columnSwap)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        ArgumentNullException.ThrowIfNull(steps);
        var elements = steps.Where(step => step != 0).Select(step => GaloisKeys.ElementOf(_context.Degree, step)).ToHashSet();
        if (columnSwap)
        {
            elements.Add(GaloisKeys.ElementOf(_context.Degree, 0));
        }

        var s = secretKey.Value.Clone();
        s.ToCoefficients(_context.Tables);
        var keys = new Dictionary<int, IReadOnlyList<SwitchingKey>>();
        foreach (var element in elements)
        {
            var target = new RnsPolynomial(_context.Degree, _context.Basis, _context.KeyPrimes, isNtt: false);
            GaloisKeys.Apply(s, element, target);
            target.ToNtt(_context.Tables);
            keys[element] = SwitchingKeys(secretKey, target, GaloisDomain);
            target.Clear();
        }

        s.Clear();
        return new GaloisKeys(_context.Parameters, keys);
    }

    /// <summary>
    /// One key per data prime i: an encryption of zero at the key level with P·target added to row i of b
    /// (P the special prime), so that Σ_i [c]_{q_i}·key_i ≈ P·c·target (SEAL's RNS key switching).
    /// </summary>
    private List<SwitchingKey> SwitchingKeys(SecretKey secretKey, RnsPolynomial target, uint domain)
    {
        var keys = new List<SwitchingKey>(_context.DataPrimes);
        var special = _context.Basis[^1].Value;
        for (var i = 0; i < _context.DataPrimes; i++)
        {
            var seed = UniformSampler.NewSeed();
            var a = Uniform(seed, domain);
            var b = EncryptZero(a, secretKey);
            var modulus = _context.Basis[i];
            var factor = modulus.Reduce(special);
            var row = b.Row(i);
            var t = target.Row(i);
            for (var j = 0; j < row.Length; j++)
            {
                row[j] = modulus.Add(row[j], modulus.Multiply(factor, t[j]));
            }

            keys.Add(new SwitchingKey(b, a, seed));
        }

        return keys;
    }

    /// <summary>b = -(a·s + e) at the key level in NTT form, with a fresh error e: (b, a) encrypts zero.</summary>
    private RnsPolynomial EncryptZero(RnsPolynomial a, SecretKey secretKey)
    {
        var b = Error(_context.KeyPrimes);
        b.ToNtt(_context.Tables);
        b.MultiplyAddPointwise(a, secretKey.Value);
        b.Negate();
        return b;
    }

    /// <summary>The uniform polynomial of a seed and domain over the first <paramref name="primes"/> primes, taken as NTT values.</summary>
    internal static RnsPolynomial Uniform(BfvContext context, byte[] seed, uint domain, int primes)
    {
        var a = new RnsPolynomial(context.Degree, context.Basis, primes, isNtt: true);
        using var sampler = new UniformSampler(seed);
        for (var i = 0; i < primes; i++)
        {
            sampler.Fill(context.Basis[i], domain, (uint)i, a.Row(i));
        }

        return a;
    }

    /// <summary>A centered-binomial error polynomial over the first <paramref name="primes"/> primes, in coefficient form.</summary>
    internal static RnsPolynomial Error(BfvContext context, int primes)
    {
        var coefficients = new sbyte[context.Degree];
        SecretSampler.CenteredBinomial(coefficients);
        var e = RnsPolynomial.FromSmall(coefficients, context.Basis, primes);
        Array.Clear(coefficients);
        return e;
    }

    private RnsPolynomial Uniform(byte[] seed, uint domain) => Uniform(_context, seed, domain, _context.KeyPrimes);

    private RnsPolynomial Error(int primes) => Error(_context, primes);
}
