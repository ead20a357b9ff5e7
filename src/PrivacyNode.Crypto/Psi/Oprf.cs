using System.Security.Cryptography;
using PrivacyNode.Crypto.Ristretto;

namespace PrivacyNode.Crypto.Psi;

/// <summary>
/// The OPRF F_k(x) = k·H(x) over ristretto255 that every PSI kind is built on, and what is derived from
/// its output: a 16-byte match tag and a 32-byte payload key, domain-separated from each other.
/// See docs/protocols/psi.md.
/// </summary>
public static class Oprf
{
    /// <summary>Bytes per group element on the wire.</summary>
    public const int ElementSize = RistrettoPoint.Size;

    /// <summary>Bytes per match tag (2^-128 collision bound per pair).</summary>
    public const int TagSize = 16;

    /// <summary>Bytes per payload key (AES-256-GCM).</summary>
    public const int PayloadKeySize = 32;

    /// <summary>The hash-to-group domain separation tag (RFC 9380 suite ristretto255_XMD:SHA-512_R255MAP_RO_).</summary>
    public static ReadOnlySpan<byte> HashToGroupDst => "PrivacyNode-PSI-V1-ristretto255_XMD:SHA-512_R255MAP_RO_"u8;

    /// <summary>H(x): a normalized key hashed to the group.</summary>
    public static RistrettoPoint HashKey(ReadOnlySpan<byte> key) => RistrettoPoint.HashToGroup(key, HashToGroupDst);

    /// <summary>The match tag and, when <paramref name="payloadKey"/> is not empty, the payload key of an OPRF output.</summary>
    public static void Derive(RistrettoPoint output, Span<byte> tag, Span<byte> payloadKey)
    {
        Span<byte> input = stackalloc byte[1 + ElementSize];
        Span<byte> digest = stackalloc byte[64];
        output.Encode(input[1..]);
        input[0] = 1;
        SHA512.HashData(input, digest);
        digest[..TagSize].CopyTo(tag);
        if (!payloadKey.IsEmpty)
        {
            input[0] = 2;
            SHA512.HashData(input, digest);
            digest[..PayloadKeySize].CopyTo(payloadKey);
        }

        CryptographicOperations.ZeroMemory(input);
        CryptographicOperations.ZeroMemory(digest);
    }

    /// <summary>
    /// The tags (and, when <paramref name="payloadKeys"/> is not empty, the payload keys) of a batch of OPRF
    /// outputs, packed in order.
    /// </summary>
    public static void Derive(ReadOnlySpan<RistrettoPoint> outputs, Span<byte> tags, Span<byte> payloadKeys)
    {
        if (tags.Length != outputs.Length * TagSize || (!payloadKeys.IsEmpty && payloadKeys.Length != outputs.Length * PayloadKeySize))
        {
            throw new ArgumentException("One tag (and payload key) slot per output is needed.", nameof(tags));
        }

        for (var i = 0; i < outputs.Length; i++)
        {
            Derive(outputs[i], tags.Slice(i * TagSize, TagSize), payloadKeys.IsEmpty ? default : payloadKeys.Slice(i * PayloadKeySize, PayloadKeySize));
        }
    }

    /// <summary>H(x) for each key.</summary>
    internal static RistrettoPoint[] HashKeys(IReadOnlyList<byte[]> keys)
    {
        var points = new RistrettoPoint[keys.Count];
        for (var i = 0; i < points.Length; i++)
        {
            points[i] = HashKey(keys[i]);
        }

        return points;
    }

    /// <summary>Decodes a batch, refusing a ragged length, non-canonical encodings and the identity.</summary>
    internal static RistrettoPoint[] ReadElements(ReadOnlySpan<byte> batch)
    {
        if (batch.Length % ElementSize != 0)
        {
            throw new PsiProtocolException($"A batch of elements is a multiple of {ElementSize} bytes; got {batch.Length}.");
        }

        var points = new RistrettoPoint[batch.Length / ElementSize];
        for (var i = 0; i < points.Length; i++)
        {
            if (!RistrettoPoint.TryDecode(batch.Slice(i * ElementSize, ElementSize), out points[i]) || points[i] == RistrettoPoint.Identity)
            {
                throw new PsiProtocolException($"Element {i} of the batch is not a valid non-identity ristretto255 encoding.");
            }
        }

        return points;
    }

    /// <summary>The encodings of a batch, concatenated.</summary>
    internal static byte[] WriteElements(ReadOnlySpan<RistrettoPoint> points)
    {
        var batch = new byte[points.Length * ElementSize];
        for (var i = 0; i < points.Length; i++)
        {
            points[i].Encode(batch.AsSpan(i * ElementSize, ElementSize));
        }

        return batch;
    }
}
