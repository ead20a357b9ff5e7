using System.Buffers.Binary;
using System.Security.Cryptography;

namespace PrivacyNode.Crypto.Blocks;

/// <summary>
/// Hashes of 16-byte blocks from AES-128 under one fixed, public key π, as Guo, Katz, Wang and Yu construct them ("Efficient and
/// Secure Multiparty Computation from Fixed-Key Block Ciphers", IEEE S&amp;P 2020), modelling π as a random permutation:
/// the circular correlation-robust hash H(x) = π(σ(x)) ⊕ σ(x) with the linear orthomorphism σ(xL ‖ xR) = (xL ⊕ xR) ‖ xL, and the
/// tweakable one H(i, x) = π(π(x) ⊕ i) ⊕ π(x). They break the correlations that OT extension leaves between its outputs.
/// </summary>
public static class FixedKeyHash
{
    /// <summary>π's key: the first 16 bytes of SHA-256("privacynode fixed-key aes v1"), public by design.</summary>
    private static readonly Aes128 Permutation = new(SHA256.HashData("privacynode fixed-key aes v1"u8).AsSpan(0, Aes128.BlockSize));

    /// <summary>H(x) = π(σ(x)) ⊕ σ(x) for each block of <paramref name="input"/> (the two may be the same).</summary>
    public static void CircularCorrelationRobust(ReadOnlySpan<byte> input, Span<byte> output)
    {
        CheckSizes(input, output);
        var sigma = new byte[input.Length];
        for (var offset = 0; offset < input.Length; offset += Aes128.BlockSize)
        {
            // Bytes 0..7 are xL (the low word), 8..15 xR: σ gives (xL ⊕ xR) ‖ xL.
            var low = BinaryPrimitives.ReadUInt64LittleEndian(input[offset..]);
            var high = BinaryPrimitives.ReadUInt64LittleEndian(input[(offset + 8)..]);
            BinaryPrimitives.WriteUInt64LittleEndian(sigma.AsSpan(offset), low ^ high);
            BinaryPrimitives.WriteUInt64LittleEndian(sigma.AsSpan(offset + 8), low);
        }

        Permutation.Encrypt(sigma, output);
        Xor(sigma, output);
    }

    /// <summary>H(i, x) = π(π(x) ⊕ i) ⊕ π(x) for block k of <paramref name="input"/> with tweak i = <paramref name="firstTweak"/> + k.</summary>
    public static void TweakableCorrelationRobust(ReadOnlySpan<byte> input, ulong firstTweak, Span<byte> output)
    {
        CheckSizes(input, output);
        var permuted = new byte[input.Length];
        Permutation.Encrypt(input, permuted);
        var tweaked = (byte[])permuted.Clone();
        for (var k = 0; k < input.Length / Aes128.BlockSize; k++)
        {
            var block = tweaked.AsSpan(k * Aes128.BlockSize, Aes128.BlockSize);
            BinaryPrimitives.WriteUInt128LittleEndian(block, BinaryPrimitives.ReadUInt128LittleEndian(block) ^ ((UInt128)firstTweak + (UInt128)(ulong)k));
        }

        Permutation.Encrypt(tweaked, output);
        Xor(permuted, output);
    }

    private static void Xor(ReadOnlySpan<byte> with, Span<byte> into)
    {
        for (var i = 0; i < into.Length; i++)
        {
            into[i] ^= with[i];
        }
    }

    private static void CheckSizes(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.Length % Aes128.BlockSize != 0 || output.Length != input.Length)
        {
            throw new ArgumentException("Input and output are the same whole number of 16-byte blocks.", nameof(output));
        }
    }
}
