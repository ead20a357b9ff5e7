using PrivacyNode.Crypto.Bfv;

namespace PrivacyNode.Crypto.Aggregate;

/// <summary>
/// The fixed choices of he-aggregate (docs/protocols/he-aggregate.md): the BFV set with one slot per group, the
/// flooding width, and the limb planes that keep every slot's total over the providers below t.
/// </summary>
public static class HeAggregateParameters
{
    /// <summary>Rows per group and provider that the planes make room for.</summary>
    public const int MaxRowsBits = 24;

    /// <summary>The most providers of one job: their counts, below 2^24 each, add up below t.</summary>
    public const int MaxProviders = 1 << 15;

    private static readonly Lazy<BfvParameters> Set = new(() => BfvParameters.Create(new BfvParametersLiteral
    {
        Degree = 8192,
        CoefficientModulusBits = [43, 43, 44, 44, 44],
        PlainModulus = BfvParameters.BatchingPlainModulus(8192, 40),
    }));

    /// <summary>n = 8192 with SEAL's 128-bit coefficient modulus (174 data bits), t a 40-bit batching prime: 8192 groups per ciphertext.</summary>
    public static BfvParameters Bfv => Set.Value;

    /// <summary>The most groups one job sums (one slot each).</summary>
    public static int MaxGroups => Bfv.Degree;

    /// <summary>b of the flooding term [−2^b, 2^b): ⌊log2 Δ⌋ − 4, at most the 126 bits the flooding sampler draws.</summary>
    public static int FloodingBits => Math.Min(126, Bfv.DeltaBits - 4);

    /// <summary>Whether <paramref name="ciphertext"/> is one he-aggregate exchanges: of <see cref="Bfv"/>, size 2, at the top level.</summary>
    public static bool IsJobCiphertext(Ciphertext ciphertext)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        return ciphertext.HasFreshShape(Bfv);
    }

    /// <summary>The largest b with providers·(2^b − 1) &lt; t, so that a slot's total of limbs over the providers does not wrap.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than one provider, or more than <see cref="MaxProviders"/>.</exception>
    public static int LimbBits(int providers) => providers is < 1 or > MaxProviders
        ? throw new ArgumentOutOfRangeException(nameof(providers), providers, $"1 to {MaxProviders} providers contribute.")
        : LimbPlanes.LimbBits(Bfv.PlainModulus, providers);

    /// <summary>Planes of <paramref name="limbBits"/>-bit limbs for one provider's group sum of up to 2^24 values v − low, v in [low, high].</summary>
    /// <exception cref="ArgumentException">high is below low.</exception>
    public static int Planes(long low, long high, int limbBits) => LimbPlanes.Count(MaxRowsBits + Math.Max(1, LimbPlanes.RangeBits(low, high)), limbBits);
}
