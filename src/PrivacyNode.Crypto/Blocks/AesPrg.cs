using System.Buffers.Binary;

namespace PrivacyNode.Crypto.Blocks;

/// <summary>
/// A pseudorandom generator from a 16-byte seed: AES-128 in counter mode under the seed, block i being AES_seed(i) with i as a
/// little-endian 128-bit counter. The expansion of seeds in OT extension and VOLE; any range of blocks can be produced on its own.
/// </summary>
/// <remarks>Thread-safe. Dispose to zero the seed's round keys.</remarks>
public sealed class AesPrg(ReadOnlySpan<byte> seed) : IDisposable
{
    private readonly Aes128 _aes = new(seed);

    /// <summary>Fills <paramref name="output"/> (whole blocks) with blocks <paramref name="firstBlock"/>, <paramref name="firstBlock"/> + 1, ….</summary>
    public void Fill(Span<byte> output, ulong firstBlock = 0)
    {
        if (output.Length % Aes128.BlockSize != 0)
        {
            throw new ArgumentException("The output is a whole number of 16-byte blocks.", nameof(output));
        }

        for (var i = 0; i < output.Length / Aes128.BlockSize; i++)
        {
            BinaryPrimitives.WriteUInt128LittleEndian(output.Slice(i * Aes128.BlockSize, Aes128.BlockSize), (UInt128)firstBlock + (UInt128)(ulong)i);
        }

        _aes.Encrypt(output, output);
    }

    /// <summary>Zeroes the round keys of the seed.</summary>
    public void Dispose() => _aes.Dispose();
}
