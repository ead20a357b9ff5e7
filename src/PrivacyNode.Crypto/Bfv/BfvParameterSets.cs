namespace PrivacyNode.Crypto.Bfv;

/// <summary>
/// Named 128-bit parameter sets with SEAL's default coefficient moduli (<c>CoeffModulus::BFVDefault</c>) and a
/// 20-bit batching plaintext modulus (<c>PlainModulus::Batching(n, 20)</c>): the sets of ../shared/docs/targets.md.
/// Names give the security, log2 n and log2 q.
/// </summary>
public static class BfvParameterSets
{
    private static readonly Lazy<BfvParameters> N12 = new(() => Create(4096, [36, 36, 37]));
    private static readonly Lazy<BfvParameters> N13 = new(() => Create(8192, [43, 43, 44, 44, 44]));
    private static readonly Lazy<BfvParameters> N14 = new(() => Create(16384, [48, 48, 48, 49, 49, 49, 49, 49, 49]));

    /// <summary>n = 4096, q of 109 bits (36 + 36 + 37), t a 20-bit prime ≡ 1 mod 8192.</summary>
    public static BfvParameters Sec128LogN12LogQ109 => N12.Value;

    /// <summary>n = 8192, q of 218 bits (43 + 43 + 44 + 44 + 44), t a 20-bit prime ≡ 1 mod 16384.</summary>
    public static BfvParameters Sec128LogN13LogQ218 => N13.Value;

    /// <summary>n = 16384, q of 438 bits (3 × 48 + 6 × 49), t a 20-bit prime ≡ 1 mod 32768.</summary>
    public static BfvParameters Sec128LogN14LogQ438 => N14.Value;

    private static BfvParameters Create(int degree, int[] bits) => BfvParameters.Create(new BfvParametersLiteral
    {
        Degree = degree,
        CoefficientModulusBits = bits,
        PlainModulus = BfvParameters.BatchingPlainModulus(degree, 20),
    });
}
