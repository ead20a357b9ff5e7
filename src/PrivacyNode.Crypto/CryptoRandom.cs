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

    private const int PublicBlockSize = 4096;

    [ThreadStatic]
    private static byte[]? _publicBlock;

    /// <summary>Bytes of this thread's block not yet handed out (none before its first use).</summary>
    [ThreadStatic]
    private static int _publicLeft;

    /// <summary>Fills <paramref name="destination"/> with random bytes.</summary>
    public static void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);

    /// <summary>
    /// Fills <paramref name="destination"/> (at most 4 KiB) with random bytes for values that go out in the clear, such as nonces,
    /// drawn often: served from a per-thread 4 KiB block of the OS CSPRNG's output, each byte zeroed as it is handed out, so one
    /// system call serves hundreds of values.
    /// </summary>
    public static void FillPublic(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(destination.Length, PublicBlockSize);
        var block = _publicBlock ??= new byte[PublicBlockSize];
        if (destination.Length > _publicLeft)
        {
            Fill(block);
            _publicLeft = PublicBlockSize;
        }

        var source = block.AsSpan(PublicBlockSize - _publicLeft, destination.Length);
        source.CopyTo(destination);
        source.Clear();
        _publicLeft -= destination.Length;
    }

    /// <summary>A new random seed of <see cref="SeedSize"/> bytes.</summary>
    public static byte[] NewSeed() => RandomNumberGenerator.GetBytes(SeedSize);
}
