using PrivacyNode.Crypto.Ristretto;

namespace PrivacyNode.Crypto.Psi;

/// <summary>
/// The sizes every PSI suite shares (a 16-byte match tag and a 32-byte payload key per OPRF output), and the
/// ristretto255 OPRF F_k(x) = k·H(x) of the default suite. See docs/protocols/psi.md.
/// </summary>
public static class Oprf
{
    /// <summary>Bytes per ristretto255 element on the wire.</summary>
    public const int ElementSize = RistrettoPoint.Size;

    /// <summary>Bytes per match tag (2^-128 collision bound per pair).</summary>
    public const int TagSize = 16;

    /// <summary>Bytes per payload key (AES-256-GCM).</summary>
    public const int PayloadKeySize = 32;

    /// <summary>The hash-to-group domain separation tag (RFC 9380 suite ristretto255_XMD:SHA-512_R255MAP_RO_).</summary>
    public static ReadOnlySpan<byte> HashToGroupDst => "PrivacyNode-PSI-V1-ristretto255_XMD:SHA-512_R255MAP_RO_"u8;

    /// <summary>H(x): a normalized key hashed to the group.</summary>
    public static RistrettoPoint HashKey(ReadOnlySpan<byte> key) => RistrettoPoint.HashToGroup(key, HashToGroupDst);

    /// <summary>H(x) for each key.</summary>
    internal static RistrettoPoint[] HashKeys(IReadOnlyList<byte[]> keys)
    {
        var points = new RistrettoPoint[keys.Count];
        RistrettoPoint.HashToGroupBatch(keys, HashToGroupDst, points);
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
        var valid = RistrettoPoint.TryDecodeBatch(batch, points, out var invalid);
        for (var i = 0; valid && i < points.Length; i++)
        {
            invalid = i;
            valid = points[i] != RistrettoPoint.Identity;
        }

        return valid ? points : throw new PsiProtocolException($"Element {invalid} of the batch is not a valid non-identity ristretto255 encoding.");
    }

    /// <summary>The encodings of a batch, concatenated.</summary>
    internal static byte[] WriteElements(ReadOnlySpan<RistrettoPoint> points)
    {
        var batch = new byte[points.Length * ElementSize];
        RistrettoPoint.EncodeBatch(points, batch);
        return batch;
    }
}
