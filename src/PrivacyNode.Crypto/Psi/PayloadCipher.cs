using System.Security.Cryptography;

namespace PrivacyNode.Crypto.Psi;

/// <summary>
/// psi-payload's sealed rows: AES-256-GCM under a key only a party holding the OPRF output of the row's
/// key can derive. Each sealed payload is nonce (12) ‖ ciphertext ‖ tag (16); the match tag is the
/// associated data, so a payload cannot be moved to another tag.
/// </summary>
internal static class PayloadCipher
{
    private const int NonceSize = 12;
    private const int MacSize = 16;

    /// <summary>Bytes a sealed payload adds to its plaintext.</summary>
    public const int Overhead = NonceSize + MacSize;

    /// <summary>Seals <paramref name="plaintext"/> under <paramref name="key"/>, bound to <paramref name="matchTag"/>.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> matchTag, ReadOnlySpan<byte> plaintext)
    {
        var sealedPayload = new byte[Overhead + plaintext.Length];
        var nonce = sealedPayload.AsSpan(0, NonceSize);
        CryptoRandom.FillPublic(nonce);
        using var aes = new AesGcm(key, MacSize);
        aes.Encrypt(nonce, plaintext, sealedPayload.AsSpan(NonceSize, plaintext.Length), sealedPayload.AsSpan(NonceSize + plaintext.Length), matchTag);
        return sealedPayload;
    }

    /// <summary>Opens a sealed payload.</summary>
    /// <exception cref="PsiProtocolException">Too short, or the key, tag or bytes do not match.</exception>
    public static byte[] Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> matchTag, ReadOnlySpan<byte> sealedPayload)
    {
        if (sealedPayload.Length < Overhead)
        {
            throw new PsiProtocolException($"A sealed payload is at least {Overhead} bytes; got {sealedPayload.Length}.");
        }

        var length = sealedPayload.Length - Overhead;
        var plaintext = new byte[length];
        try
        {
            using var aes = new AesGcm(key, MacSize);
            aes.Decrypt(sealedPayload[..NonceSize], sealedPayload.Slice(NonceSize, length), sealedPayload[(NonceSize + length)..], plaintext, matchTag);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new PsiProtocolException("A sealed payload failed authentication.", ex);
        }

        return plaintext;
    }
}
