using PrivacyNode.Crypto.Bfv;

namespace PrivacyNode.Crypto.Tests.Bfv;

/// <summary>Tiny parameter sets for fast tests. Not secure, and named so.</summary>
public static class InsecureTestParameters
{
    /// <summary>n = 16, three 30-bit primes, t = 97 (a batching prime: 97 = 1 + 3·32).</summary>
    public static BfvParameters InsecureLogN4 { get; } = BfvParameters.Create(new BfvParametersLiteral
    {
        Degree = 16,
        CoefficientModulusBits = [30, 30, 30],
        PlainModulus = 97,
        Security = BfvSecurity.None,
    });

    /// <summary>n = 16, four 60-bit primes, t a 40-bit batching prime: plain products and scalings beyond 64 bits.</summary>
    public static BfvParameters InsecureLogN4LargeT { get; } = BfvParameters.Create(new BfvParametersLiteral
    {
        Degree = 16,
        CoefficientModulusBits = [60, 60, 60, 60],
        PlainModulus = PrivacyNode.Crypto.Arithmetic.NttPrimes.Generate(40, 1, 16)[0],
        Security = BfvSecurity.None,
    });
}
