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
        var points = Oprf.HashKeys(keys);
        RistrettoPoint.MultiplyBatch(points, _blind, points);
        return Oprf.WriteElements(points);
    }

    /// <summary>
    /// Unblinds a batch of evaluations into <see cref="Oprf.TagSize"/>-byte tags, and into payload keys when
    /// <paramref name="payloadKeys"/> is given (<see cref="Oprf.PayloadKeySize"/> bytes each).
    /// </summary>
    /// <exception cref="PsiProtocolException">The batch is malformed or holds an invalid or identity element.</exception>
    public byte[] Finalize(ReadOnlySpan<byte> evaluated, Span<byte> payloadKeys = default)
    {
        var points = Oprf.ReadElements(evaluated);
        RistrettoPoint.MultiplyBatch(points, _unblind, points);
        var tags = new byte[points.Length * Oprf.TagSize];
        Oprf.Derive(points, tags, payloadKeys);
        return tags;
    }

    /// <summary>Zeroes the blinding scalars.</summary>
    public void Dispose()
    {
        _blind.Dispose();
        _unblind.Dispose();
    }
}
