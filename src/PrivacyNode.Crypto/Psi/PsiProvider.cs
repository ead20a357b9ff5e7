using System.Security.Cryptography;

namespace PrivacyNode.Crypto.Psi;

/// <summary>
/// The provider's side of OPRF-based PSI: holds the OPRF key k, evaluates the requester's blinded elements
/// and computes the tags (and payload keys) of its own keys. Pure: messages in, messages out.
/// </summary>
/// <remarks>Thread-safe after construction (the key is only read); dispose to zero the key.</remarks>
public sealed class PsiProvider : IDisposable
{
    private readonly PsiScalar _key;

    /// <summary>A provider with a fresh random OPRF key in <paramref name="suite"/> (ristretto255 when null).</summary>
    public PsiProvider(PsiSuite? suite = null)
        : this((suite ?? PsiSuite.Ristretto255).RandomScalar())
    {
    }

    /// <summary>A provider with a given OPRF key (a cached key for repeated jobs); the provider takes ownership of it.</summary>
    public PsiProvider(PsiScalar key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = key;
    }

    /// <summary>The suite the key belongs to.</summary>
    public PsiSuite Suite => _key.Suite;

    /// <summary>k·B for each blinded element B of <paramref name="blinded"/>, in the same order.</summary>
    /// <exception cref="PsiProtocolException">The batch is malformed or holds an invalid or identity element.</exception>
    public byte[] Evaluate(ReadOnlySpan<byte> blinded) => Suite.Multiply(blinded, _key);

    /// <summary>The match tag of one of the provider's own normalized keys, and its payload key when <paramref name="payloadKey"/> is not empty.</summary>
    public void Tag(ReadOnlySpan<byte> key, Span<byte> tag, Span<byte> payloadKey) => Tag([key.ToArray()], tag, payloadKey);

    /// <summary>
    /// The match tags of a batch of the provider's own normalized keys (<see cref="Oprf.TagSize"/> bytes each, in
    /// order) and, when <paramref name="payloadKeys"/> is not empty, their payload keys (<see cref="Oprf.PayloadKeySize"/> each).
    /// </summary>
    public void Tag(IReadOnlyList<byte[]> keys, Span<byte> tags, Span<byte> payloadKeys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var outputs = Suite.HashAndMultiply(keys, _key);
        Suite.Derive(outputs, tags, payloadKeys);
        CryptographicOperations.ZeroMemory(outputs);
    }

    /// <summary>Zeroes the OPRF key.</summary>
    public void Dispose() => _key.Dispose();
}
