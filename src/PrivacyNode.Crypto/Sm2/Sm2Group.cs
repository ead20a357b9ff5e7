using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;

namespace PrivacyNode.Crypto.Sm2;

/// <summary>
/// The SM2 curve (GB/T 32918.5, sm2p256v1) as a prime-order group for the national-standard PSI suite:
/// 33-byte compressed SEC1 encodings, decoded canonically (x below p, on the curve, never the point at
/// infinity), hash-to-group by RFC 9380 simplified SWU with SM3 (Z = -9, found by RFC 9380 appendix H.2's
/// procedure), and scalar multiplication by a Montgomery ladder. Arithmetic is BouncyCastle's.
/// </summary>
internal static class Sm2Group
{
    /// <summary>Bytes per encoded element.</summary>
    public const int ElementSize = 33;

    /// <summary>Z of the simplified SWU map for SM2: the RFC 9380 appendix H.2 search gives -9.</summary>
    internal const int SswuZ = -9;

    public static readonly X9ECParameters Parameters = GMNamedCurves.GetByName("sm2p256v1");

    private static readonly SimplifiedSwu Swu = new(Parameters, SswuZ, ExpandMessageXmd.Sm3, 48);

    /// <summary>The group order n.</summary>
    public static BigInteger Order => Parameters.N;

    /// <summary>RFC 9380 hash_to_curve with SM3 and simplified SWU under <paramref name="dst"/>.</summary>
    public static ECPoint HashToGroup(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst) => Swu.Hash(message, dst);

    /// <summary>
    /// k·P, normalized, for 0 &lt; k &lt; n: a Montgomery ladder over all 256 bit positions, one addition and one
    /// doubling per bit whatever its value. BouncyCastle's arithmetic underneath is not written to be constant time.
    /// </summary>
    public static ECPoint Multiply(ECPoint point, BigInteger k)
    {
        var r = new[] { Parameters.Curve.Infinity, point };
        for (var i = 255; i >= 0; i--)
        {
            var bit = k.TestBit(i) ? 1 : 0;
            r[1 - bit] = r[0].Add(r[1]);
            r[bit] = r[bit].Twice();
        }

        return r[0].Normalize();
    }

    /// <summary>Decodes a canonical compressed encoding; false for any other bytes or for the point at infinity.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, out ECPoint point)
    {
        point = Parameters.Curve.Infinity;
        if (encoded.Length != ElementSize || encoded[0] is not (2 or 3)
            || new BigInteger(1, encoded[1..].ToArray()).CompareTo(Parameters.Curve.Field.Characteristic) >= 0)
        {
            return false;
        }

        try
        {
            point = Parameters.Curve.DecodePoint(encoded.ToArray()).Normalize();
        }
        catch (ArgumentException)
        {
            return false;
        }

        return !point.IsInfinity && point.IsValid();
    }

    /// <summary>The 33-byte compressed encoding of a point other than infinity.</summary>
    public static void Encode(ECPoint point, Span<byte> destination) => point.Normalize().GetEncoded(true).CopyTo(destination);
}
