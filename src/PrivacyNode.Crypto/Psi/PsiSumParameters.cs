using System.Numerics;
using PrivacyNode.Crypto.Arithmetic;
using PrivacyNode.Crypto.Bfv;

namespace PrivacyNode.Crypto.Psi;

/// <summary>
/// The fixed choices of psi-sum (docs/protocols/psi-sum.md): the BFV set, the flooding width, and how a value
/// range is cut into limb planes so that no plane's sum over the provider's keys reaches t.
/// </summary>
public static class PsiSumParameters
{
    private static readonly Lazy<BfvParameters> Set = new(() => BfvParameters.Create(new BfvParametersLiteral
    {
        Degree = 8192,
        CoefficientModulusBits = [60, 60, 59, 39],
        PlainModulus = LargestPrimeBelow(1UL << 50),
    }));

    /// <summary>n = 8192; q of 218 bits (60 + 60 + 59 data, 39 special), 128-bit secure; t the largest 50-bit prime.</summary>
    public static BfvParameters Bfv => Set.Value;

    /// <summary>Values per ciphertext: one per coefficient.</summary>
    public static int BlockSize => Bfv.Degree;

    /// <summary>b of the flooding term [−2^b, 2^b): ⌊log2 Δ⌋ − 4, as wide as decryption allows with margin.</summary>
    public static int FloodingBits
    {
        get
        {
            var data = Bfv.CoefficientModulus.SkipLast(1).Aggregate(BigInteger.One, (q, p) => q * p.Value);
            return (int)(data / Bfv.PlainModulus.Value).GetBitLength() - 1 - 4;
        }
    }

    /// <summary>The largest b with m·(2^b − 1) &lt; t for the provider's <paramref name="providerKeys"/> distinct keys m (at least 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">m is below 1 or so large that not even one bit fits.</exception>
    public static int LimbBits(long providerKeys)
    {
        if (providerKeys < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(providerKeys), providerKeys, "The provider holds at least one key.");
        }

        var perKey = (Bfv.PlainModulus.Value - 1) / (ulong)providerKeys; // 2^b − 1 ≤ (t − 1) / m
        var bits = 63 - BitOperations.LeadingZeroCount(perKey + 1);
        return bits >= 1 ? bits : throw new ArgumentOutOfRangeException(nameof(providerKeys), providerKeys, "Too many keys for one plane of one bit.");
    }

    /// <summary>The planes of <paramref name="limbBits"/>-bit limbs that hold v − low for every v in [low, high].</summary>
    /// <exception cref="ArgumentException">high is below low.</exception>
    public static int Planes(long low, long high, int limbBits)
    {
        if (high < low)
        {
            throw new ArgumentException($"The value range [{low}, {high}] is empty.", nameof(high));
        }

        var span = (ulong)(high - low); // wraps to the right unsigned width
        var bits = Math.Max(1, 64 - BitOperations.LeadingZeroCount(span));
        return (bits + limbBits - 1) / limbBits;
    }

    private static ulong LargestPrimeBelow(ulong bound)
    {
        var candidate = bound - 1;
        while (!NttPrimes.IsPrime(candidate))
        {
            candidate -= 2;
        }

        return candidate;
    }
}
