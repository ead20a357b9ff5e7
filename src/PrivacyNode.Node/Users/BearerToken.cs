using System.Security.Cryptography;
using System.Text;

namespace PrivacyNode.Node.Users;

/// <summary>
/// Bearer tokens for the local endpoint: <c>pn_</c> followed by 256 random bits in base64url. Only the
/// SHA-256 of a token is stored; a fast hash is enough because the token itself has full entropy.
/// </summary>
public static class BearerToken
{
    private const string Prefix = "pn_";

    /// <summary>A new token from the OS CSPRNG.</summary>
    public static string Create()
    {
        Span<byte> secret = stackalloc byte[32];
        RandomNumberGenerator.Fill(secret);
        var token = Prefix + Convert.ToBase64String(secret).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        CryptographicOperations.ZeroMemory(secret);
        return token;
    }

    /// <summary>The stored form of <paramref name="token"/>.</summary>
    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>Whether <paramref name="text"/> has the shape of a token (it may still be unknown).</summary>
    public static bool IsWellFormed(string? text) => text is { Length: 46 } && text.StartsWith(Prefix, StringComparison.Ordinal);
}
