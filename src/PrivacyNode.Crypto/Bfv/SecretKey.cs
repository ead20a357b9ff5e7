using PrivacyNode.Crypto.Rlwe;

namespace PrivacyNode.Crypto.Bfv;

/// <summary>A BFV secret key: a ternary polynomial s at the key level, held in NTT form. Dispose to zero it.</summary>
public sealed class SecretKey : IDisposable
{
    internal SecretKey(BfvParameters parameters, RnsPolynomial value)
    {
        Parameters = parameters;
        Value = value;
    }

    /// <summary>The parameter set.</summary>
    public BfvParameters Parameters { get; }

    internal RnsPolynomial Value { get; }

    /// <summary>Zeroes s.</summary>
    public void Dispose() => Value.Clear();
}
