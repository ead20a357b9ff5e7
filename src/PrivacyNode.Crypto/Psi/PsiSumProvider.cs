using PrivacyNode.Crypto.Bfv;

namespace PrivacyNode.Crypto.Psi;

/// <summary>
/// The provider's side of psi-sum's encrypted values (docs/protocols/psi-sum.md): a fresh BFV key pair for one
/// job, the value planes of its entries in its shuffled order, and the answer to the requester's one sum request.
/// Dispose zeroes the secret key. Not thread-safe.
/// </summary>
public sealed class PsiSumProvider : IDisposable
{
    private readonly SecretKey _secretKey;
    private readonly Encryptor _encryptor;
    private readonly long _low;
    private readonly long _high;
    private bool _answered;

    /// <summary>A provider of <paramref name="providerKeys"/> entries with values in [<paramref name="low"/>, <paramref name="high"/>].</summary>
    /// <exception cref="ArgumentException">The range is empty, or the key count out of range (see <see cref="PsiSumParameters.LimbBits"/>).</exception>
    public PsiSumProvider(long providerKeys, long low, long high)
    {
        LimbBits = PsiSumParameters.LimbBits(providerKeys);
        Planes = PsiSumParameters.Planes(low, high, LimbBits);
        (_low, _high) = (low, high);
        var generator = new KeyGenerator(PsiSumParameters.Bfv);
        _secretKey = generator.CreateSecretKey();
        PublicKey = generator.CreatePublicKey(_secretKey);
        _encryptor = new Encryptor(_secretKey);
    }

    /// <summary>The job's secret key (tests measure noise with it).</summary>
    internal SecretKey SecretKey => _secretKey;

    /// <summary>The job's public key, for the requester's flooded encryptions.</summary>
    public PublicKey PublicKey { get; }

    /// <summary>Bits per limb.</summary>
    public int LimbBits { get; }

    /// <summary>Limb planes: ciphertexts per block of entries.</summary>
    public int Planes { get; }

    /// <summary>
    /// One block of at most <see cref="PsiSumParameters.BlockSize"/> entries' values, in the order of the tags sent
    /// with them: one symmetric ciphertext per plane, limb ℓ of v − low in coefficient j for entry j.
    /// </summary>
    /// <exception cref="ArgumentException">The block is empty or too long, or a value is outside the range.</exception>
    public IReadOnlyList<Ciphertext> EncryptBlock(ReadOnlySpan<long> values)
    {
        if (values.IsEmpty || values.Length > PsiSumParameters.BlockSize)
        {
            throw new ArgumentException($"A block holds 1 to {PsiSumParameters.BlockSize} values; got {values.Length}.", nameof(values));
        }

        var planes = new Plaintext[Planes];
        for (var p = 0; p < Planes; p++)
        {
            planes[p] = new Plaintext(PsiSumParameters.Bfv);
        }

        var mask = (1UL << LimbBits) - 1;
        for (var j = 0; j < values.Length; j++)
        {
            if (values[j] < _low || values[j] > _high)
            {
                throw new ArgumentException($"Value {j} of the block is outside the declared range [{_low}, {_high}].", nameof(values));
            }

            var offset = (ulong)(values[j] - _low);
            for (var p = 0; p < Planes; p++)
            {
                planes[p].Coefficients[j] = (offset >> (p * LimbBits)) & mask;
            }
        }

        var ciphertexts = planes.Select(plane => _encryptor.Encrypt(plane)).ToArray();
        foreach (var plane in planes)
        {
            Array.Clear(plane.Coefficients);
        }

        return ciphertexts;
    }

    /// <summary>The encryption of the all-ones polynomial, from which the requester's request carries the count.</summary>
    public Ciphertext EncryptOnes()
    {
        var ones = new Plaintext(PsiSumParameters.Bfv);
        Array.Fill(ones.Coefficients, 1UL);
        return _encryptor.Encrypt(ones);
    }

    /// <summary>
    /// Decrypts the request (<see cref="Planes"/> plane sums, then the count) once. Below
    /// <paramref name="minimumCount"/> matched keys, no plane is decrypted and the answer carries no constants.
    /// </summary>
    /// <exception cref="PsiProtocolException">A second request, the wrong number of ciphertexts, or one of the wrong shape.</exception>
    public PsiSumDecryption Answer(IReadOnlyList<Ciphertext> request, long minimumCount)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_answered)
        {
            throw new PsiProtocolException("A psi-sum job answers one sum request.");
        }

        _answered = true;
        if (request.Count != Planes + 1)
        {
            throw new PsiProtocolException($"A sum request holds {Planes + 1} ciphertexts; got {request.Count}.");
        }

        foreach (var ciphertext in request)
        {
            PsiSumRequester.CheckShape(ciphertext);
        }

        var decryptor = new Decryptor(_secretKey);
        var count = decryptor.Decrypt(request[Planes]).Coefficients[0];
        if (count < (ulong)Math.Max(0, minimumCount))
        {
            return new PsiSumDecryption((long)count, null);
        }

        var constants = new ulong[Planes];
        for (var p = 0; p < Planes; p++)
        {
            var plain = decryptor.Decrypt(request[p]);
            constants[p] = plain.Coefficients[0];
            Array.Clear(plain.Coefficients);
        }

        return new PsiSumDecryption((long)count, constants);
    }

    /// <inheritdoc/>
    public void Dispose() => _secretKey.Dispose();
}
