using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using PrivacyNode.Crypto.Arithmetic;

namespace PrivacyNode.Crypto.Rlwe;

/// <summary>
/// Secret samples from the OS CSPRNG: ternary secrets (uniform over {-1, 0, 1}) and errors from the
/// centered binomial distribution with k = 21 (the difference of two sums of 21 fair bits: standard deviation
/// √(21/2) ≈ 3.24, bounded by 21), as the HE standard's σ ≈ 3.2 asks, and masks uniform mod q. Coefficients are computed without
/// secret-dependent branches; callers zero the outputs after use.
/// </summary>
internal static class SecretSampler
{
    /// <summary>The error bound: no error coefficient exceeds it in magnitude.</summary>
    public const int ErrorBound = 21;

    /// <summary>Fills <paramref name="destination"/> with uniform values in {-1, 0, 1}.</summary>
    public static void Ternary(Span<sbyte> destination)
    {
        // 255 = 3·85 values are uniform mod 3; the byte 255 is dropped (whether it occurred is not secret).
        // One draw of n bytes and a little more usually suffices; each further draw tops up what is missing.
        var buffer = ArrayPool<byte>.Shared.Rent(destination.Length + 64);
        try
        {
            var filled = 0;
            while (filled < destination.Length)
            {
                var bytes = buffer.AsSpan(0, destination.Length - filled + 64);
                RandomNumberGenerator.Fill(bytes);
                for (var i = 0; i < bytes.Length && filled < destination.Length; i++)
                {
                    if (bytes[i] != 255)
                    {
                        destination[filled++] = (sbyte)((bytes[i] % 3) - 1);
                    }
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Fills <paramref name="destination"/> with centered-binomial values in [-21, 21].</summary>
    public static void CenteredBinomial(Span<sbyte> destination)
    {
        // 42 random bits per coefficient, read as 6 bytes.
        var buffer = ArrayPool<byte>.Shared.Rent(6 * destination.Length);
        try
        {
            var bytes = buffer.AsSpan(0, 6 * destination.Length);
            RandomNumberGenerator.Fill(bytes);
            for (var i = 0; i < destination.Length; i++)
            {
                var bits = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(6 * i, 4)) | ((ulong)BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice((6 * i) + 4, 2)) << 32);
                var a = BitOperations.PopCount(bits & 0x1FFFFF);
                var b = BitOperations.PopCount((bits >> 21) & 0x1FFFFF);
                destination[i] = (sbyte)(a - b);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Fills <paramref name="destination"/> with values uniform mod q: 128 random bits each, reduced (bias below q / 2^128).</summary>
    public static void Uniform(Span<ulong> destination, Modulus modulus)
    {
        ArgumentNullException.ThrowIfNull(modulus);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * destination.Length);
        try
        {
            var bytes = buffer.AsSpan(0, 16 * destination.Length);
            RandomNumberGenerator.Fill(bytes);
            for (var i = 0; i < destination.Length; i++)
            {
                var word = BinaryPrimitives.ReadUInt128LittleEndian(bytes.Slice(16 * i, 16));
                destination[i] = modulus.Reduce((ulong)(word >> 64), (ulong)word);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
