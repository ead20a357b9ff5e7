using System.Security.Cryptography;
using PrivacyNode.Crypto.Signatures;

namespace PrivacyNode.Node.Audit;

/// <summary>The node's Ed25519 audit signing key, kept as a PEM file with owner-only permissions.</summary>
public static class AuditKey
{
    private const string Label = "PRIVACYNODE AUDIT KEY";

    /// <summary>Creates a new key and saves it at <paramref name="path"/>.</summary>
    public static void Create(string path)
    {
        using var key = Ed25519KeyPair.Generate();
        var seed = new byte[Ed25519KeyPair.SeedSize];
        try
        {
            key.ExportSeed(seed);
            Configuration.OwnerOnlyFile.WriteAtomically(path, new string(PemEncoding.Write(Label, seed)) + "\n");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>Loads the key at <paramref name="path"/>; the caller disposes it.</summary>
    /// <exception cref="NodeException">The file is missing or is not an audit key.</exception>
    public static Ed25519KeyPair Load(string path)
    {
        byte[]? seed = null;
        try
        {
            var text = File.ReadAllText(path);
            if (!PemEncoding.TryFind(text, out var fields) || text[fields.Label] != Label)
            {
                throw new NodeException($"'{path}' is not a PrivacyNode audit key.");
            }

            seed = Convert.FromBase64String(text[fields.Base64Data].ToString());
            return Ed25519KeyPair.FromSeed(seed);
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
}
