using System.Security.Cryptography;

namespace PrivacyNode.Crypto.Psi;

/// <summary>
/// What a PSI job's cryptography runs on: a prime-order group with hash-to-group (the OPRF F_k(x) = k·H(x)),
/// the hash that derives match tags and payload keys from OPRF outputs, and the AEAD that seals psi-payload
/// rows. Chosen per job by the requester and named in both sides' audit records. See docs/protocols/psi.md.
/// </summary>
public abstract class PsiSuite
{
    /// <summary>ristretto255 (RFC 9496), SHA-512, AES-256-GCM: the default, and the fast one.</summary>
    public static PsiSuite Ristretto255 { get; } = new Ristretto255Suite();

    /// <summary>The national-standard suite: the SM2 curve (GB/T 32918), SM3 (GB/T 32905), SM4-GCM (GB/T 32907).</summary>
    public static PsiSuite Sm2 { get; } = new Sm2Suite();

    /// <summary>Every suite, the default first.</summary>
    public static IReadOnlyList<PsiSuite> All { get; } = [Ristretto255, Sm2];

    /// <summary>The suites' names, comma-separated, for messages.</summary>
    public static string Names => string.Join(", ", All.Select(s => s.Name));

    /// <summary>The suite with this name (the default for null or empty), or null if there is none.</summary>
    public static PsiSuite? Find(string? name) =>
        string.IsNullOrEmpty(name) ? Ristretto255 : All.FirstOrDefault(s => s.Name == name);

    /// <summary>The name used in job specs and audit records.</summary>
    public abstract string Name { get; }

    /// <summary>Bytes per encoded group element on the wire.</summary>
    public abstract int ElementSize { get; }

    /// <summary>A fresh uniformly random non-zero scalar from the OS CSPRNG.</summary>
    public abstract PsiScalar RandomScalar();

    /// <summary>Reads an encoding written by <see cref="PsiScalar.Encode"/>.</summary>
    /// <exception cref="ArgumentException">Not a canonical non-zero scalar of this suite.</exception>
    public abstract PsiScalar DecodeScalar(ReadOnlySpan<byte> encoded);

    /// <summary>
    /// The match tags (<see cref="Oprf.TagSize"/> bytes each) and, when <paramref name="payloadKeys"/> is not
    /// empty, the payload keys (<see cref="Oprf.PayloadKeySize"/> each) of a batch of encoded OPRF outputs:
    /// tag = H(0x01 ‖ y)[0..16], key = H(0x02 ‖ y)[0..32] with the suite's hash H.
    /// </summary>
    public void Derive(ReadOnlySpan<byte> outputs, Span<byte> tags, Span<byte> payloadKeys)
    {
        var count = CountElements(outputs);
        if (tags.Length != count * Oprf.TagSize || (!payloadKeys.IsEmpty && payloadKeys.Length != count * Oprf.PayloadKeySize))
        {
            throw new ArgumentException("One tag (and payload key) slot per output is needed.", nameof(tags));
        }

        Span<byte> input = stackalloc byte[1 + ElementSize];
        Span<byte> digest = stackalloc byte[64];
        for (var i = 0; i < count; i++)
        {
            outputs.Slice(i * ElementSize, ElementSize).CopyTo(input[1..]);
            input[0] = 1;
            Hash(input, digest);
            digest[..Oprf.TagSize].CopyTo(tags.Slice(i * Oprf.TagSize, Oprf.TagSize));
            if (!payloadKeys.IsEmpty)
            {
                input[0] = 2;
                Hash(input, digest);
                digest[..Oprf.PayloadKeySize].CopyTo(payloadKeys.Slice(i * Oprf.PayloadKeySize, Oprf.PayloadKeySize));
            }
        }

        CryptographicOperations.ZeroMemory(input);
        CryptographicOperations.ZeroMemory(digest);
    }

    /// <summary>Seals a psi-payload row under a payload key, bound to its match tag: nonce (12) ‖ ciphertext ‖ MAC (16).</summary>
    public abstract byte[] Seal(ReadOnlySpan<byte> payloadKey, ReadOnlySpan<byte> matchTag, ReadOnlySpan<byte> plaintext);

    /// <summary>Opens a sealed row.</summary>
    /// <exception cref="PsiProtocolException">Too short, or the key, tag or bytes do not match.</exception>
    public abstract byte[] Open(ReadOnlySpan<byte> payloadKey, ReadOnlySpan<byte> matchTag, ReadOnlySpan<byte> sealedPayload);

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>k·H(x) for each key, encoded and concatenated.</summary>
    internal abstract byte[] HashAndMultiply(IReadOnlyList<byte[]> keys, PsiScalar k);

    /// <summary>k·P for each encoded element P of a batch, encoded and concatenated in the same order.</summary>
    /// <exception cref="PsiProtocolException">A ragged batch, or an element that is not a canonical non-identity encoding.</exception>
    internal abstract byte[] Multiply(ReadOnlySpan<byte> batch, PsiScalar k);

    /// <summary>The suite's hash of <paramref name="input"/>, at least 32 bytes, into the start of <paramref name="digest"/> (64 bytes).</summary>
    private protected abstract void Hash(ReadOnlySpan<byte> input, Span<byte> digest);

    /// <summary>The number of elements in a batch.</summary>
    /// <exception cref="PsiProtocolException">The batch is not a whole number of elements.</exception>
    internal int CountElements(ReadOnlySpan<byte> batch) => batch.Length % ElementSize == 0
        ? batch.Length / ElementSize
        : throw new PsiProtocolException($"A batch of elements is a multiple of {ElementSize} bytes; got {batch.Length}.");

    /// <summary>The scalar as this suite's own type.</summary>
    private protected T Own<T>(PsiScalar scalar)
        where T : PsiScalar => scalar as T ?? throw new ArgumentException($"A scalar of suite {scalar?.Suite.Name} cannot be used with {Name}.", nameof(scalar));
}
