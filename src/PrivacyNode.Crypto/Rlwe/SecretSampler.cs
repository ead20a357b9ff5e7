using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace PrivacyNode.Crypto.Rlwe;

/// <summary>
/// Small secret polynomials from the OS CSPRNG: ternary secrets (uniform over {-1, 0, 1}) and errors from the
/// centered binomial distribution with k = 21 (the difference of two sums of 21 fair bits: standard deviation
/// √(21/2) ≈ 3.24, bounded by 21), as the HE standard's σ ≈ 3.2 asks. Coefficients are computed without
/// secret-dependent branches; callers zero the outputs after use.
/// </summary>
public static class SecretSampler
{
    /// <summary>The error bound: no error coefficient exceeds it in magnitude.</summary>
    public const int ErrorBound = 21;

    /// <summary>Fills <paramref name="destination"/> with uniform values in {-1, 0, 1}.</summary>
    public static void Ternary(Span<sbyte> destination)
    {
        Span<byte> buffer = stackalloc byte[256];
        var filled = 0;
        while (filled < destination.Length)
        {
            RandomNumberGenerator.Fill(buffer);
            for (var i = 0; i < buffer.Length && filled < destination.Length; i++)
            {
                // 255 = 3·85 values are uniform mod 3; the byte 255 is dropped (whether it occurred is not secret).
                if (buffer[i] != 255)
                {
                    destination[filled++] = (sbyte)((buffer[i] % 3) - 1);
                }
            }
        }

        CryptographicOperations.ZeroMemory(buffer);
    }

    /// <summary>Fills <paramref name="destination"/> with centered-binomial values in [-21, 21].</summary>
    public static void CenteredBinomial(Span<sbyte> destination)
    {
        Span<byte> buffer = stackalloc byte[6 * 64];
        for (var start = 0; start < destination.Length; start += 64)
        {
            RandomNumberGenerator.Fill(buffer);
            var count = Math.Min(64, destination.Length - start);
            for (var i = 0; i < count; i++)
            {
                var bits = BinaryPrimitives.ReadUInt32LittleEndian(buffer.Slice(6 * i, 4)) | ((ulong)BinaryPrimitives.ReadUInt16LittleEndian(buffer.Slice((6 * i) + 4, 2)) << 32);
                var a = BitOperations.PopCount(bits & 0x1FFFFF);
                var b = BitOperations.PopCount((bits >> 21) & 0x1FFFFF);
                destination[start + i] = (sbyte)(a - b);
            }
        }

        CryptographicOperations.ZeroMemory(buffer);
    }
}
