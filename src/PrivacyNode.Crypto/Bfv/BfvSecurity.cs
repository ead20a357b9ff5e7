namespace PrivacyNode.Crypto.Bfv;

/// <summary>The security level a parameter set is checked against at construction.</summary>
public enum BfvSecurity
{
    /// <summary>
    /// 128-bit classical security with a ternary secret, by the HomomorphicEncryption.org standard's table
    /// (Albrecht et al., "Homomorphic Encryption Standard", 2018; SEAL's <c>util/hestdparms.h</c>).
    /// </summary>
    Classical128,

    /// <summary>No check: only for tests and benchmarks, whose parameter sets say <c>Insecure</c> in their names.</summary>
    None,
}
