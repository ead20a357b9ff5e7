using PrivacyNode.Crypto.Rlwe;

namespace PrivacyNode.Crypto.Bfv;

/// <summary>A BFV public key (b, a) = (-(a·s + e), a) at the key level in NTT form, a drawn from <see cref="Seed"/>.</summary>
public sealed class PublicKey
{
    internal PublicKey(BfvParameters parameters, RnsPolynomial b, RnsPolynomial a, byte[] seed)
    {
        Parameters = parameters;
        B = b;
        A = a;
        Seed = seed;
    }

    /// <summary>The parameter set.</summary>
    public BfvParameters Parameters { get; }

    /// <summary>The seed a was expanded from: a public key travels as (b, seed).</summary>
    public ReadOnlyMemory<byte> Seed { get; }

    internal RnsPolynomial B { get; }

    internal RnsPolynomial A { get; }
}
