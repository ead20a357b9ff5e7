using System.Buffers.Binary;
using System.Security.Cryptography;
using PrivacyNode.Crypto.Rlwe;

namespace PrivacyNode.Crypto.Bfv;

/// <summary>
/// Encrypts plaintexts under a public key (at the key level, then the special prime is divided out, which
/// shrinks the fresh noise as SEAL does) or under the secret key (at the data level, c1 drawn from a fresh
/// seed, so the ciphertext can travel as (c0, seed)). Randomness from the OS CSPRNG. Thread-safe.
/// </summary>
public sealed class Encryptor
{
    /// <summary>Domain of c1 in symmetric ciphertexts in <see cref="UniformSampler"/> streams.</summary>
    internal const uint SymmetricDomain = 2;

    private readonly BfvContext _context;
    private readonly PublicKey? _publicKey;
    private readonly SecretKey? _secretKey;

    /// <summary>An encryptor under <paramref name="publicKey"/>.</summary>
    public Encryptor(PublicKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        _publicKey = publicKey;
        _context = BfvContext.Of(publicKey.Parameters);
    }

    /// <summary>A symmetric encryptor under <paramref name="secretKey"/> (which must outlive it).</summary>
    public Encryptor(SecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        _secretKey = secretKey;
        _context = BfvContext.Of(secretKey.Parameters);
    }

    /// <summary>A fresh encryption of <paramref name="plaintext"/>.</summary>
    /// <exception cref="ArgumentException">The plaintext is for other parameters or has a coefficient not below t.</exception>
    public Ciphertext Encrypt(Plaintext plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        if (!ReferenceEquals(plaintext.Parameters, _context.Parameters) && !plaintext.Parameters.Id.Span.SequenceEqual(_context.Parameters.Id.Span))
        {
            throw new ArgumentException("The plaintext was made under other parameters.", nameof(plaintext));
        }

        plaintext.Validate();
        var (c0, c1, seed) = _publicKey is not null ? EncryptZeroAsymmetric(_publicKey) : EncryptZeroSymmetric(_secretKey!);
        _context.AddScaledPlain(c0, plaintext.Coefficients);
        return new Ciphertext(_context.Parameters, [c0, c1]) { C1Seed = seed };
    }

    /// <summary>
    /// A fresh encryption of <paramref name="plaintext"/> whose error carries an extra term drawn uniformly from
    /// [−2^b, 2^b) per coefficient, b = <paramref name="floodingBits"/>: noise flooding, which hides the error of a
    /// ciphertext it is added to from the secret-key holder (circuit privacy), statistically up to
    /// ‖error‖ / 2^b. Decryption stays correct while 2^b plus the other errors stays below Δ/2.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">b is below 1 or leaves no room for decryption (2^b ≥ Δ/4).</exception>
    public Ciphertext Encrypt(Plaintext plaintext, int floodingBits)
    {
        var deltaBits = _context.Parameters.DeltaBits;
        if (floodingBits < 1 || floodingBits > Math.Min(126, deltaBits - 3))
        {
            throw new ArgumentOutOfRangeException(nameof(floodingBits), floodingBits, $"Flooding takes 1 to {Math.Min(126, deltaBits - 3)} bits under these parameters.");
        }

        var ciphertext = Encrypt(plaintext);
        AddFlooding(ciphertext.Polynomials[0], floodingBits); // c1, and so a symmetric ciphertext's seed, is unchanged
        return ciphertext;
    }

    /// <summary>c0 += e for e uniform in [−2^b, 2^b)^n, reduced into each prime without a branch on e.</summary>
    private void AddFlooding(RnsPolynomial c0, int bits)
    {
        var n = _context.Degree;
        var buffer = new byte[16 * n];
        RandomNumberGenerator.Fill(buffer);
        var noise = new RnsPolynomial(n, _context.Basis, c0.Primes, isNtt: false);
        var width = (UInt128.One << (bits + 1)) - 1;
        var offset = UInt128.One << bits;
        for (var j = 0; j < n; j++)
        {
            var drawn = BinaryPrimitives.ReadUInt128LittleEndian(buffer.AsSpan(16 * j, 16)) & width;
            // e = drawn − 2^b: |e| and its sign without a branch.
            var difference = drawn - offset;
            var negative = (ulong)(difference >> 127);
            var magnitude = (difference ^ (UInt128.Zero - negative)) + negative;
            for (var i = 0; i < c0.Primes; i++)
            {
                var modulus = _context.Basis[i];
                var residue = modulus.Reduce((ulong)(magnitude >> 64), (ulong)magnitude);
                var negated = modulus.Negate(residue);
                noise.Row(i)[j] = residue ^ ((residue ^ negated) & (0UL - negative));
            }
        }

        CryptographicOperations.ZeroMemory(buffer);
        c0.Add(noise);
        noise.Clear();
    }

    private (RnsPolynomial C0, RnsPolynomial C1, byte[]? Seed) EncryptZeroAsymmetric(PublicKey key)
    {
        var coefficients = new sbyte[_context.Degree];
        SecretSampler.Ternary(coefficients);
        var u = RnsPolynomial.FromSmall(coefficients, _context.Basis, _context.KeyPrimes);
        Array.Clear(coefficients);
        u.ToNtt(_context.Tables);

        var c0 = key.B.Clone();
        c0.MultiplyPointwise(u);
        c0.ToCoefficients(_context.Tables);
        c0.Add(KeyGenerator.Error(_context, _context.KeyPrimes));
        var c1 = key.A.Clone();
        c1.MultiplyPointwise(u);
        c1.ToCoefficients(_context.Tables);
        c1.Add(KeyGenerator.Error(_context, _context.KeyPrimes));
        u.Clear();
        return (_context.DivideRoundSpecial(c0), _context.DivideRoundSpecial(c1), null);
    }

    private (RnsPolynomial C0, RnsPolynomial C1, byte[]? Seed) EncryptZeroSymmetric(SecretKey key)
    {
        var seed = UniformSampler.NewSeed();
        var a = KeyGenerator.Uniform(_context, seed, SymmetricDomain, _context.DataPrimes);
        var c0 = KeyGenerator.Error(_context, _context.DataPrimes);
        c0.ToNtt(_context.Tables);
        c0.MultiplyAddPointwise(a, key.Value);
        c0.Negate();
        c0.ToCoefficients(_context.Tables);
        a.ToCoefficients(_context.Tables);
        return (c0, a, seed);
    }
}
