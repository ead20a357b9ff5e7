namespace PrivacyNode.Crypto.Bfv;

/// <summary>
/// BFV parameters as written down: unchecked, init-only. <see cref="BfvParameters.Create"/> turns a literal into a
/// validated, immutable parameter set. Give the coefficient modulus either as prime sizes
/// (<see cref="CoefficientModulusBits"/>, generated as SEAL's <c>CoeffModulus::Create</c> does) or as primes.
/// </summary>
public sealed record BfvParametersLiteral
{
    /// <summary>The ring degree n: a power of two from 1024 to 32768 (smaller only with <see cref="BfvSecurity.None"/>).</summary>
    public int Degree { get; init; }

    /// <summary>The bit sizes of the coefficient-modulus primes, the last being the special (key-switching) prime.</summary>
    public IReadOnlyList<int>? CoefficientModulusBits { get; init; }

    /// <summary>Explicit coefficient-modulus primes, instead of <see cref="CoefficientModulusBits"/>.</summary>
    public IReadOnlyList<ulong>? CoefficientModulus { get; init; }

    /// <summary>The plaintext modulus t; a prime ≡ 1 (mod 2n) enables batching.</summary>
    public ulong PlainModulus { get; init; }

    /// <summary>The security bound the total coefficient-modulus size is checked against.</summary>
    public BfvSecurity Security { get; init; } = BfvSecurity.Classical128;
}
