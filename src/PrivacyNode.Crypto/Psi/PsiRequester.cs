using PrivacyNode.Crypto.Ristretto;

namespace PrivacyNode.Crypto.Psi;

/// <summary>
/// The requester's side of OPRF-based PSI: blinds its normalized keys with a secret scalar r (B = r·H(x)),
/// and unblinds the provider's evaluations (r⁻¹·k·r·H(x) = k·H(x)) into match tags and payload keys.
/// Pure: messages in, messages out.
/// </summary>
/// <remarks>Thread-safe after construction (the scalars are only read); dispose to zero them.</remarks>
public sealed class PsiRequester : IDisposable
{
    private readonly Scalar _blind = Scalar.Random();
    private readonly Scalar _unblind;

    /// <summary>A requester with a fresh random blinding scalar.</summary>
    public PsiRequester() => _unblind = _blind.Invert();

    /// <summary>r·H(x) for each key, concatenated.</summary>
    public byte[] Blind(IReadOnlyList<byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var blinded = new byte[keys.Count * Oprf.ElementSize];
        for (var i = 0; i < keys.Count; i++)
        {
            Oprf.HashKey(keys[i]).Multiply(_blind).Encode(blinded.AsSpan(i * Oprf.ElementSize, Oprf.ElementSize));
        }

        return blinded;
    }

    /// <summary>
    /// Unblinds a batch of evaluations into <see cref="Oprf.TagSize"/>-byte tags, and into payload keys when
    /// <paramref name="payloadKeys"/> is given (<see cref="Oprf.PayloadKeySize"/> bytes each).
    /// </summary>
    /// <exception cref="PsiProtocolException">The batch is malformed or holds an invalid or identity element.</exception>
    public byte[] Finalize(ReadOnlySpan<byte> evaluated, Span<byte> payloadKeys = default)
    {
        var count = Oprf.CountElements(evaluated);
        if (!payloadKeys.IsEmpty && payloadKeys.Length != count * Oprf.PayloadKeySize)
        {
            throw new ArgumentException("One payload key slot per element is needed.", nameof(payloadKeys));
        }

        var tags = new byte[count * Oprf.TagSize];
        for (var i = 0; i < count; i++)
        {
            var output = Oprf.ReadElement(evaluated, i).Multiply(_unblind);
            Oprf.Derive(output, tags.AsSpan(i * Oprf.TagSize, Oprf.TagSize),
                payloadKeys.IsEmpty ? default : payloadKeys.Slice(i * Oprf.PayloadKeySize, Oprf.PayloadKeySize));
        }

        return tags;
    }

    /// <summary>Zeroes the blinding scalars.</summary>
    public void Dispose()
    {
        _blind.Dispose();
        _unblind.Dispose();
    }
}
