using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;

namespace PrivacyNode.Crypto;

/// <summary>RFC 9380 section 5.3.1 expand_message_xmd, with SHA-512 (ristretto255 suites), SHA-256 or SM3.</summary>
internal static class ExpandMessageXmd
{
    /// <summary>Fills <paramref name="output"/> (at most 255 × 64 bytes) with bytes derived from <paramref name="message"/> under <paramref name="dst"/> (1 to 255 bytes).</summary>
    public static void Sha512(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst, Span<byte> output)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        Expand(new SystemHash(hash, 64, 128), message, dst, output);
    }

    /// <summary>expand_message_xmd with SHA-256 (at most 255 × 32 bytes).</summary>
    public static void Sha256(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst, Span<byte> output)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Expand(new SystemHash(hash, 32, 64), message, dst, output);
    }

    /// <summary>expand_message_xmd with SM3 (GB/T 32905; 32-byte output, 64-byte blocks; at most 255 × 32 bytes).</summary>
    public static void Sm3(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst, Span<byte> output) =>
        Expand(new BouncyHash(new SM3Digest()), message, dst, output);

    private static void Expand(IStreamingHash hash, ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst, Span<byte> output)
    {
        if (dst.Length is 0 or > 255)
        {
            throw new ArgumentException("The domain separation tag must be 1 to 255 bytes.", nameof(dst));
        }

        var size = hash.Size;
        var blocks = (output.Length + size - 1) / size;
        if (blocks is 0 or > 255 || output.Length > 65535)
        {
            throw new ArgumentException("expand_message_xmd produces 1 to 255 hash blocks.", nameof(output));
        }

        Span<byte> b0 = stackalloc byte[size];
        Span<byte> bi = stackalloc byte[size];
        Span<byte> dstPrime = stackalloc byte[dst.Length + 1];
        dst.CopyTo(dstPrime);
        dstPrime[^1] = (byte)dst.Length;

        hash.Append(stackalloc byte[hash.BlockSize]);
        hash.Append(message);
        hash.Append([(byte)(output.Length >> 8), (byte)output.Length, 0]);
        hash.Append(dstPrime);
        hash.Finish(b0);

        for (var i = 1; i <= blocks; i++)
        {
            if (i == 1)
            {
                b0.CopyTo(bi);
            }
            else
            {
                for (var k = 0; k < size; k++)
                {
                    bi[k] ^= b0[k];
                }
            }

            hash.Append(bi);
            hash.Append([(byte)i]);
            hash.Append(dstPrime);
            hash.Finish(bi);
            var offset = (i - 1) * size;
            bi[..Math.Min(size, output.Length - offset)].CopyTo(output[offset..]);
        }

        b0.Clear();
        bi.Clear();
    }

    /// <summary>A hash fed in pieces; <see cref="Finish"/> writes the digest and resets it.</summary>
    private interface IStreamingHash
    {
        int Size { get; }

        int BlockSize { get; }

        void Append(ReadOnlySpan<byte> data);

        void Finish(Span<byte> digest);
    }

    private sealed class SystemHash(IncrementalHash hash, int size, int blockSize) : IStreamingHash
    {
        public int Size => size;

        public int BlockSize => blockSize;

        public void Append(ReadOnlySpan<byte> data) => hash.AppendData(data);

        public void Finish(Span<byte> digest) => hash.GetHashAndReset(digest);
    }

    private sealed class BouncyHash(IDigest digest) : IStreamingHash
    {
        public int Size => digest.GetDigestSize();

        public int BlockSize => digest.GetByteLength();

        public void Append(ReadOnlySpan<byte> data) => digest.BlockUpdate(data.ToArray(), 0, data.Length);

        public void Finish(Span<byte> output)
        {
            var result = new byte[Size];
            digest.DoFinal(result, 0);
            result.CopyTo(output);
            Array.Clear(result);
        }
    }
}
