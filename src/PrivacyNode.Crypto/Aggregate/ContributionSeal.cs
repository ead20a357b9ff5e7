using System.Security.Cryptography;

namespace PrivacyNode.Crypto.Aggregate;

/// <summary>
/// Seals a provider's contribution to the aggregator so that the requester, which relays it, cannot open it
/// (docs/protocols/he-aggregate.md): ephemeral–static ECDH on P-256, HKDF-SHA256 over the shared secret and
/// both public keys, then AES-256-GCM under the job's associated data. Sealed form:
/// ephemeral public key (65 bytes, uncompressed) ‖ nonce (12) ‖ ciphertext ‖ tag (16). Thread-safe.
/// </summary>
public static class ContributionSeal
{
    /// <summary>Bytes a seal adds to its plaintext.</summary>
    public const int Overhead = PointSize + NonceSize + TagSize;

    private const int PointSize = 65;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Info = "PrivacyNode he-aggregate seal v1"u8.ToArray();

    /// <summary>A fresh recipient key for one job; its public half is <see cref="PublicKeyOf"/>. Dispose it after the job.</summary>
    public static ECDiffieHellman CreateRecipient() => ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The recipient's public key as an uncompressed P-256 point (65 bytes).</summary>
    public static byte[] PublicKeyOf(ECDiffieHellman recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        var point = recipient.ExportParameters(includePrivateParameters: false).Q;
        return [0x04, .. point.X!, .. point.Y!];
    }

    /// <summary>Whether <paramref name="point"/> is a P-256 public key as <see cref="PublicKeyOf"/> writes it: uncompressed and on the curve.</summary>
    public static bool IsPublicKey(ReadOnlySpan<byte> point)
    {
        try
        {
            using var key = Import(point);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Seals <paramref name="plaintext"/> to the recipient <paramref name="recipientPublicKey"/>, bound to <paramref name="associatedData"/>.</summary>
    /// <exception cref="CryptographicException">The public key is not a valid P-256 point.</exception>
    public static byte[] Seal(ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext)
    {
        using var recipient = Import(recipientPublicKey);
        using var ephemeral = CreateRecipient();
        var ephemeralPublic = PublicKeyOf(ephemeral);
        var key = DeriveKey(ephemeral, recipient, ephemeralPublic, recipientPublicKey);
        var sealedBytes = new byte[Overhead + plaintext.Length];
        ephemeralPublic.CopyTo(sealedBytes, 0);
        var nonce = sealedBytes.AsSpan(PointSize, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key, TagSize))
        {
            aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(PointSize + NonceSize, plaintext.Length), sealedBytes.AsSpan(PointSize + NonceSize + plaintext.Length), associatedData);
        }

        CryptographicOperations.ZeroMemory(key);
        return sealedBytes;
    }

    /// <summary>Opens a seal made to <paramref name="recipient"/> under <paramref name="associatedData"/>.</summary>
    /// <exception cref="CryptographicException">The seal is truncated, its point invalid, or it was altered, made for another recipient or other data.</exception>
    public static byte[] Open(ECDiffieHellman recipient, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> sealedBytes)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        if (sealedBytes.Length < Overhead)
        {
            throw new CryptographicException($"A seal holds at least {Overhead} bytes; got {sealedBytes.Length}.");
        }

        var ephemeralPublic = sealedBytes[..PointSize];
        using var ephemeral = Import(ephemeralPublic);
        var key = DeriveKey(recipient, ephemeral, ephemeralPublic, PublicKeyOf(recipient));
        var length = sealedBytes.Length - Overhead;
        var plaintext = new byte[length];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(sealedBytes.Slice(PointSize, NonceSize), sealedBytes.Slice(PointSize + NonceSize, length), sealedBytes[^TagSize..], plaintext, associatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }

        return plaintext;
    }

    /// <summary>HKDF-SHA256 of the shared x-coordinate, salted with the ephemeral then the recipient public key.</summary>
    private static byte[] DeriveKey(ECDiffieHellman own, ECDiffieHellman other, ReadOnlySpan<byte> ephemeralPublic, ReadOnlySpan<byte> recipientPublic)
    {
        var shared = own.DeriveRawSecretAgreement(other.PublicKey);
        try
        {
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, [.. ephemeralPublic, .. recipientPublic], Info);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
        }
    }

    private static ECDiffieHellman Import(ReadOnlySpan<byte> point)
    {
        if (point.Length != PointSize || point[0] != 0x04)
        {
            throw new CryptographicException("A P-256 public key is an uncompressed point of 65 bytes.");
        }

        // ImportParameters validates that the point lies on the curve.
        return ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = point.Slice(1, 32).ToArray(), Y = point.Slice(33, 32).ToArray() },
        });
    }
}
