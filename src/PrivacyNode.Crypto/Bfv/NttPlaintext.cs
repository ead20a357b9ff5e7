using PrivacyNode.Crypto.Rlwe;

namespace PrivacyNode.Crypto.Bfv;

/// <summary>
/// A plaintext lifted into the data primes and kept in NTT form, for repeated <see cref="Evaluator.MultiplyPlain(Ciphertext, NttPlaintext)"/>
/// (SEAL's transform_to_ntt of a plaintext). Made by <see cref="Evaluator.TransformToNtt"/>. Immutable.
/// </summary>
public sealed class NttPlaintext
{
    internal NttPlaintext(BfvParameters parameters, RnsPolynomial value)
    {
        Parameters = parameters;
        Value = value;
    }

    /// <summary>The parameter set.</summary>
    public BfvParameters Parameters { get; }

    internal RnsPolynomial Value { get; }
}
