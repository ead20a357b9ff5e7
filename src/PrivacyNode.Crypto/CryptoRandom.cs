using System.Security.Cryptography;

namespace PrivacyNode.Crypto;

/// <summary>
/// The only source of randomness in this library: the operating system's CSPRNG. Seeds for XOF-based
/// samplers are drawn here too, so every random value traces back to the OS.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal static class CryptoRandom
{
    /// <summary>The size of a sampler seed in bytes (256 bits).</summary>
    public const int SeedSize = 32;

    /// <summary>Fills <paramref name="destination"/> with random bytes.</summary>
    public static void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);

    /// <summary>A new random seed of <see cref="SeedSize"/> bytes.</summary>
    public static byte[] NewSeed() => RandomNumberGenerator.GetBytes(SeedSize);
}
