using PrivacyNode.Crypto.Rlwe;

namespace PrivacyNode.Crypto.Bfv;

/// <summary>Makes a fresh secret key and the public key that goes with it. Randomness from the OS CSPRNG.</summary>
public sealed class KeyGenerator
{
    /// <summary>Domain of the uniform polynomial a of public keys in <see cref="UniformSampler"/> streams.</summary>
    internal const uint PublicKeyDomain = 1;

    /// <summary>Domain of the uniform polynomials of relinearization keys.</summary>
    internal const uint RelinearizationDomain = 3;

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
    public PublicKey CreatePublicKey(SecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        var seed = UniformSampler.NewSeed();
        var a = Uniform(seed, PublicKeyDomain);
        var b = Error(_context.KeyPrimes);
        b.ToNtt(_context.Tables);
        b.MultiplyAddPointwise(a, secretKey.Value);
        b.Negate();
        return new PublicKey(_context.Parameters, b, a, seed);
    }

    /// <summary>Relinearization keys for <paramref name="secretKey"/>: one key-switching key from s² per data prime.</summary>
    public RelinearizationKeys CreateRelinearizationKeys(SecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        var square = secretKey.Value.Clone();
        square.MultiplyPointwise(secretKey.Value);
        var keys = new List<(RnsPolynomial, RnsPolynomial)>(_context.DataPrimes);
        var special = _context.Basis[^1].Value;
        for (var i = 0; i < _context.DataPrimes; i++)
        {
            var a = Uniform(UniformSampler.NewSeed(), RelinearizationDomain);
            var b = Error(_context.KeyPrimes);
            b.ToNtt(_context.Tables);
            b.MultiplyAddPointwise(a, secretKey.Value);
            b.Negate();
            var modulus = _context.Basis[i];
            var factor = modulus.Reduce(special);
            var row = b.Row(i);
            var s2 = square.Row(i);
            for (var j = 0; j < row.Length; j++)
            {
                row[j] = modulus.Add(row[j], modulus.Multiply(factor, s2[j]));
            }

            keys.Add((b, a));
        }

        square.Clear();
        return new RelinearizationKeys(_context.Parameters, keys);
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
