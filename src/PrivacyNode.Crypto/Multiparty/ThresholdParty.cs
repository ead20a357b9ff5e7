using PrivacyNode.Crypto.Bfv;
using PrivacyNode.Crypto.Rlwe;

namespace PrivacyNode.Crypto.Multiparty;

/// <summary>
/// One party of an N-out-of-N threshold BFV key (Mouchet, Troncoso-Pastoriza, Bossuat and Hubaux, "Multiparty
/// Homomorphic Encryption from Ring-Learning-with-Errors", PoPETs 2021, protocols 1 and 4): it holds a ternary share
/// s_i of the collective secret s = Σ s_i, which no party ever learns. Its share of the collective public key and its
/// shares of public-key switches (decryption towards another key) are combined by <see cref="ThresholdKey"/>.
/// Dispose zeroes the share. Not thread-safe.
/// </summary>
public sealed class ThresholdParty : IDisposable
{
    private readonly BfvContext _context;
    private readonly SecretKey _share;

    /// <summary>A party with a fresh share under <paramref name="parameters"/>.</summary>
    public ThresholdParty(BfvParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _context = BfvContext.Of(parameters);
        _share = new KeyGenerator(parameters).CreateSecretKey();
    }

    /// <summary>The share itself (tests decrypt with it to show that one share is not enough).</summary>
    internal SecretKey ShareForTests => _share;

    /// <summary>
    /// This party's share of the collective public key: (b_i, a) = (−(a·s_i + e_i), a) with a drawn from
    /// <paramref name="commonSeed"/>, which every party uses. Each share is itself a public key of s_i alone.
    /// </summary>
    /// <exception cref="ArgumentException">The seed is not <see cref="UniformSampler.SeedSize"/> bytes.</exception>
    public PublicKey CreatePublicKeyShare(ReadOnlySpan<byte> commonSeed)
    {
        if (commonSeed.Length != UniformSampler.SeedSize)
        {
            throw new ArgumentException($"A common seed is {UniformSampler.SeedSize} bytes.", nameof(commonSeed));
        }

        return new KeyGenerator(_context.Parameters).CreatePublicKey(_share, commonSeed.ToArray());
    }

    /// <summary>
    /// This party's share of switching <paramref name="ciphertext"/>, under the collective key, to
    /// <paramref name="target"/>: (s_i·c1 + z0 + f, z1), where (z0, z1) is a fresh public-key encryption of zero under
    /// the target and f a flooding term uniform in [−2^b, 2^b), b = <paramref name="floodingBits"/> (see
    /// <see cref="ThresholdKey.FloodingBits"/>). It reveals nothing of s_i beyond an RLWE sample with that error.
    /// </summary>
    /// <exception cref="ArgumentException">The ciphertext or key is for other parameters, or the ciphertext is not of size 2.</exception>
    public Ciphertext CreateKeySwitchShare(Ciphertext ciphertext, PublicKey target, int floodingBits)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(target);
        ThresholdKey.CheckParameters(_context.Parameters, ciphertext.Parameters, target.Parameters);
        if (ciphertext.Size != 2)
        {
            throw new ArgumentException("Only ciphertexts of size 2 are switched.", nameof(ciphertext));
        }

        var zero = new Encryptor(target).Encrypt(new Plaintext(_context.Parameters), floodingBits);
        var level = ciphertext.Level;
        var product = ciphertext.Polynomials[1].Clone();
        product.ToNtt(_context.Tables);
        var share = _share.Value.Truncate(level);
        product.MultiplyPointwise(share);
        share.Clear();
        product.ToCoefficients(_context.Tables);
        var h0 = zero.Polynomials[0].Truncate(level);
        h0.Add(product);
        product.Clear();
        return new Ciphertext(_context.Parameters, [h0, zero.Polynomials[1].Truncate(level)]);
    }

    /// <inheritdoc/>
    public void Dispose() => _share.Dispose();
}
