using System.Numerics;
using PrivacyNode.Crypto.Arithmetic;

namespace PrivacyNode.Crypto.Bfv;

/// <summary>
/// Cutting non-negative integers into b-bit limbs, one plaintext plane per limb, so that adding up to a given
/// number of them in one coefficient or slot never reaches t and every plane's total comes back exactly.
/// </summary>
internal static class LimbPlanes
{
    /// <summary>The largest b with <paramref name="terms"/>·(2^b − 1) &lt; t: limbs of b bits whose sum over that many terms stays below t.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than one term, or so many that not even one bit fits.</exception>
    public static int LimbBits(Modulus plainModulus, long terms)
    {
        ArgumentNullException.ThrowIfNull(plainModulus);
        if (terms < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(terms), terms, "At least one term is added.");
        }

        var bits = 63 - BitOperations.LeadingZeroCount(((plainModulus.Value - 1) / (ulong)terms) + 1);
        return bits >= 1 ? bits : throw new ArgumentOutOfRangeException(nameof(terms), terms, $"Too many terms for one plane of one bit under t = {plainModulus.Value}.");
    }

    /// <summary>The planes of <paramref name="limbBits"/>-bit limbs that hold integers of <paramref name="valueBits"/> bits.</summary>
    public static int Count(int valueBits, int limbBits) => (Math.Max(1, valueBits) + limbBits - 1) / limbBits;

    /// <summary>The bits of high − low, for a value range [low, high] sent as v − low.</summary>
    /// <exception cref="ArgumentException">high is below low.</exception>
    public static int RangeBits(long low, long high) => high < low
        ? throw new ArgumentException($"The value range [{low}, {high}] is empty.", nameof(high))
        : 64 - BitOperations.LeadingZeroCount((ulong)(high - low));
}
