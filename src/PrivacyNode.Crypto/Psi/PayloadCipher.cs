using System.Security.Cryptography;
using PrivacyNode.Crypto.Blocks;

namespace PrivacyNode.Crypto.Psi;

/// <summary>
/// psi-payload's sealed rows: AES-256-GCM (<see cref="Aes256Gcm"/> on AES-NI, else the platform's) under a key only a party
/// holding the OPRF output of the row's key can derive. Each sealed payload is nonce (12) ‖ ciphertext ‖ tag (16); the match tag is the
/// associated data, so a payload cannot be moved to another tag.
/// </summary>
internal static class PayloadCipher
{
    private const int NonceSize = 12;
    private const int MacSize = 16;
    private const string FailedAuthentication = "A sealed payload failed authentication.";

    /// <summary>Bytes a sealed payload adds to its plaintext.</summary>
    public const int Overhead = NonceSize + MacSize;

    /// <summary>Seals <paramref name="plaintext"/> under <paramref name="key"/>, bound to <paramref name="matchTag"/>.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> matchTag, ReadOnlySpan<byte> plaintext)
    {
        var sealedPayload = new byte[Overhead + plaintext.Length];
        var nonce = sealedPayload.AsSpan(0, NonceSize);
        CryptoRandom.FillPublic(nonce);
        var ciphertext = sealedPayload.AsSpan(NonceSize, plaintext.Length);
        var tag = sealedPayload.AsSpan(NonceSize + plaintext.Length);
        if (Aes256Gcm.IsSupported)
        {
            Aes256Gcm.Encrypt(key, nonce, plaintext, ciphertext, tag, matchTag);
        }
        else
        {
            using var aes = new AesGcm(key, MacSize);
            aes.Encrypt(nonce, plaintext, ciphertext, tag, matchTag);
        }

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
        var nonce = sealedPayload[..NonceSize];
        var ciphertext = sealedPayload.Slice(NonceSize, length);
        var tag = sealedPayload[(NonceSize + length)..];
        if (Aes256Gcm.IsSupported)
        {
            return Aes256Gcm.TryDecrypt(key, nonce, ciphertext, tag, plaintext, matchTag) ? plaintext : throw new PsiProtocolException(FailedAuthentication);
        }

        try
        {
            using var aes = new AesGcm(key, MacSize);
            aes.Decrypt(nonce, ciphertext, tag, plaintext, matchTag);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new PsiProtocolException(FailedAuthentication, ex);
        }

        return plaintext;
    }
}
