using System.Security.Cryptography;

namespace PrivacyNode.Crypto.Psi;

/// <summary>
/// The requester's side of OPRF-based PSI: blinds its normalized keys with a secret scalar r (B = r·H(x)),
/// and unblinds the provider's evaluations (r⁻¹·k·r·H(x) = k·H(x)) into match tags and payload keys.
/// Pure: messages in, messages out.
/// </summary>
/// <remarks>Thread-safe after construction (the scalars are only read); dispose to zero them.</remarks>
public sealed class PsiRequester : IDisposable
{
    private readonly PsiScalar _blind;
    private readonly PsiScalar _unblind;

    /// <summary>A requester with a fresh random blinding scalar in <paramref name="suite"/> (ristretto255 when null).</summary>
    public PsiRequester(PsiSuite? suite = null)
    {
        Suite = suite ?? PsiSuite.Ristretto255;
        _blind = Suite.RandomScalar();
        _unblind = _blind.Invert();
    }

    /// <summary>The suite the job runs on.</summary>
    public PsiSuite Suite { get; }

    /// <summary>r·H(x) for each key, concatenated.</summary>
    public byte[] Blind(IReadOnlyList<byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return Suite.HashAndMultiply(keys, _blind);
    }

    /// <summary>
    /// Unblinds a batch of evaluations into <see cref="Oprf.TagSize"/>-byte tags, and into payload keys when
    /// <paramref name="payloadKeys"/> is given (<see cref="Oprf.PayloadKeySize"/> bytes each).
    /// </summary>
    /// <exception cref="PsiProtocolException">The batch is malformed or holds an invalid or identity element.</exception>
    public byte[] Finalize(ReadOnlySpan<byte> evaluated, Span<byte> payloadKeys = default)
    {
        var outputs = Suite.Multiply(evaluated, _unblind);
        var tags = new byte[outputs.Length / Suite.ElementSize * Oprf.TagSize];
        if (!payloadKeys.IsEmpty && payloadKeys.Length != tags.Length / Oprf.TagSize * Oprf.PayloadKeySize)
        {
            throw new ArgumentException("One payload key slot per element is needed.", nameof(payloadKeys));
        }

        Suite.Derive(outputs, tags, payloadKeys);
        CryptographicOperations.ZeroMemory(outputs);
        return tags;
    }

    /// <summary>Zeroes the blinding scalars.</summary>
    public void Dispose()
    {
        _blind.Dispose();
        _unblind.Dispose();
    }
}
