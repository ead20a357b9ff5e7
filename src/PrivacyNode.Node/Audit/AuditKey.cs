using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using PrivacyNode.Crypto.Signatures;
using PrivacyNode.Node.Configuration;

namespace PrivacyNode.Node.Audit;

/// <summary>
/// The node's Ed25519 audit signing key, kept as a PEM file with owner-only permissions: its 32-byte seed under the label
/// <c>PRIVACYNODE AUDIT KEY</c>, or, when the node has a <see cref="KeyPassphrase"/>, as an encrypted PKCS#8 Ed25519 key
/// (RFC 8410; <c>ENCRYPTED PRIVATE KEY</c>, which <c>openssl pkey</c> also reads).
/// </summary>
public static class AuditKey
{
    private const string Label = "PRIVACYNODE AUDIT KEY";
    private const string EncryptedLabel = "ENCRYPTED PRIVATE KEY";
    private const string Ed25519Oid = "1.3.101.112";

    /// <summary>Creates a new key and saves it at <paramref name="path"/>, encrypted with <paramref name="passphrase"/> if it is set.</summary>
    public static void Create(string path, KeyPassphrase passphrase)
    {
        using var key = Ed25519KeyPair.Generate();
        Save(key, path, passphrase);
    }

    /// <summary>Saves <paramref name="key"/> at <paramref name="path"/>, encrypted with <paramref name="passphrase"/> if it is set.</summary>
    public static void Save(Ed25519KeyPair key, string path, KeyPassphrase passphrase)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(passphrase);
        // RFC 8410: the private key is the seed as a DER OCTET STRING (04 20 || seed).
        var octets = new byte[2 + Ed25519KeyPair.SeedSize];
        byte[]? encrypted = null;
        try
        {
            (octets[0], octets[1]) = (0x04, Ed25519KeyPair.SeedSize);
            key.ExportSeed(octets.AsSpan(2));
            if (!passphrase.IsSet)
            {
                OwnerOnlyFile.WriteAtomically(path, new string(PemEncoding.Write(Label, octets.AsSpan(2))) + "\n");
                return;
            }

            encrypted = new Pkcs8PrivateKeyInfo(new Oid(Ed25519Oid), null, octets, skipCopies: true).Encrypt(passphrase.Characters, KeyPassphrase.Encryption);
            OwnerOnlyFile.WriteAtomically(path, new string(PemEncoding.Write(EncryptedLabel, encrypted)) + "\n");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(octets);
        }
    }

    /// <summary>Loads the key at <paramref name="path"/>, encrypted with <paramref name="passphrase"/> if that is set; the caller disposes it.</summary>
    /// <exception cref="NodeException">The file is missing or is not an audit key; or the passphrase does not match how the key is kept.</exception>
    public static Ed25519KeyPair Load(string path, KeyPassphrase passphrase)
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        byte[]? seed = null;
        try
        {
            var text = File.ReadAllText(path);
            if (!PemEncoding.TryFind(text, out var fields) || text[fields.Label] is not (Label or EncryptedLabel))
            {
                throw new NodeException($"'{path}' is not a PrivacyNode audit key.");
            }

            var encrypted = text[fields.Label] is EncryptedLabel;
            if (encrypted != passphrase.IsSet)
            {
                throw encrypted ? KeyPassphrase.Refused(path, passphrase) : KeyPassphrase.NotEncrypted(path);
            }

            seed = Convert.FromBase64String(text[fields.Base64Data].ToString());
            return encrypted ? Decrypt(path, seed, passphrase) : Ed25519KeyPair.FromSeed(seed);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            throw new NodeException($"Cannot read the audit key '{path}': {ex.Message}. Without it the node cannot sign its audit log; restore it from backup.", ex);
        }
        finally
        {
            if (seed is not null)
            {
                CryptographicOperations.ZeroMemory(seed);
            }
        }
    }

    private static Ed25519KeyPair Decrypt(string path, byte[] der, KeyPassphrase passphrase)
    {
        Pkcs8PrivateKeyInfo info;
        try
        {
            info = Pkcs8PrivateKeyInfo.DecryptAndDecode(passphrase.Characters, der, out _);
        }
        catch (CryptographicException ex)
        {
            throw KeyPassphrase.Refused(path, passphrase, ex);
        }

        var octets = System.Runtime.InteropServices.MemoryMarshal.AsMemory(info.PrivateKeyBytes).Span;
        try
        {
            return info.AlgorithmId.Value == Ed25519Oid && octets is [0x04, Ed25519KeyPair.SeedSize, ..] && octets.Length == 2 + Ed25519KeyPair.SeedSize
                ? Ed25519KeyPair.FromSeed(octets[2..])
                : throw new NodeException($"'{path}' is not an Ed25519 audit key.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(octets);
        }
    }
}
