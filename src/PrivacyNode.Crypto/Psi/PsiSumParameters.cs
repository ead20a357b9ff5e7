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
    public static int FloodingBits => Bfv.DeltaBits - 4;

    /// <summary>The largest b with m·(2^b − 1) &lt; t for the provider's <paramref name="providerKeys"/> distinct keys m (at least 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">m is below 1 or so large that not even one bit fits.</exception>
    public static int LimbBits(long providerKeys) => LimbPlanes.LimbBits(Bfv.PlainModulus, providerKeys);

    /// <summary>The planes of <paramref name="limbBits"/>-bit limbs that hold v − low for every v in [low, high].</summary>
    /// <exception cref="ArgumentException">high is below low.</exception>
    public static int Planes(long low, long high, int limbBits) => LimbPlanes.Count(LimbPlanes.RangeBits(low, high), limbBits);

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
