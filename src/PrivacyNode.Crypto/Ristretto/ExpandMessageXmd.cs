using System.Security.Cryptography;

namespace PrivacyNode.Crypto.Ristretto;

/// <summary>RFC 9380 section 5.3.1 expand_message_xmd with SHA-512.</summary>
public static class ExpandMessageXmd
{
    private const int HashSize = 64;
    private const int BlockSize = 128;

    /// <summary>Fills <paramref name="output"/> (at most 255 × 64 bytes) with bytes derived from <paramref name="message"/> under <paramref name="dst"/> (1 to 255 bytes).</summary>
    public static void Sha512(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst, Span<byte> output)
    {
        if (dst.Length is 0 or > 255)
        {
            throw new ArgumentException("The domain separation tag must be 1 to 255 bytes.", nameof(dst));
        }

        var blocks = (output.Length + HashSize - 1) / HashSize;
        if (blocks is 0 or > 255 || output.Length > 65535)
        {
            throw new ArgumentException("expand_message_xmd produces 1 to 255 hash blocks.", nameof(output));
        }

        Span<byte> b0 = stackalloc byte[HashSize];
        Span<byte> bi = stackalloc byte[HashSize];
        Span<byte> suffix = stackalloc byte[1 + 255 + 1];
        dst.CopyTo(suffix[1..]);
        suffix[1 + dst.Length] = (byte)dst.Length;
        var dstPrime = suffix[1..(2 + dst.Length)];

        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512))
        {
            hash.AppendData(stackalloc byte[BlockSize]);
            hash.AppendData(message);
            hash.AppendData([(byte)(output.Length >> 8), (byte)output.Length, 0]);
            hash.AppendData(dstPrime);
            hash.GetHashAndReset(b0);

            for (var i = 1; i <= blocks; i++)
            {
                if (i == 1)
                {
                    b0.CopyTo(bi);
                }
                else
                {
                    for (var k = 0; k < HashSize; k++)
                    {
                        bi[k] ^= b0[k];
                    }
                }

                hash.AppendData(bi);
                hash.AppendData([(byte)i]);
                hash.AppendData(dstPrime);
                hash.GetHashAndReset(bi);
                var offset = (i - 1) * HashSize;
                bi[..Math.Min(HashSize, output.Length - offset)].CopyTo(output[offset..]);
            }
        }

        b0.Clear();
        bi.Clear();
    }
}
