using System.Security.Cryptography;
using PrivacyNode.Crypto.Ristretto;

namespace PrivacyNode.Crypto.Psi;

/// <summary>ristretto255 with hash_to_ristretto255 (RFC 9380, SHA-512), SHA-512 derivations and AES-256-GCM payloads.</summary>
internal sealed class Ristretto255Suite : PsiSuite
{
    public override string Name => "ristretto255-sha512";

    public override int ElementSize => Oprf.ElementSize;

    public override PsiScalar RandomScalar() => new RistrettoScalar(Scalar.Random());

    public override PsiScalar DecodeScalar(ReadOnlySpan<byte> encoded) =>
        Scalar.TryDecode(encoded, out var scalar) && !scalar.IsZero ? new RistrettoScalar(scalar) : throw new ArgumentException("Not a canonical non-zero ristretto255 scalar.", nameof(encoded));

    public override byte[] Seal(ReadOnlySpan<byte> payloadKey, ReadOnlySpan<byte> matchTag, ReadOnlySpan<byte> plaintext) => PayloadCipher.Seal(payloadKey, matchTag, plaintext);

    public override byte[] Open(ReadOnlySpan<byte> payloadKey, ReadOnlySpan<byte> matchTag, ReadOnlySpan<byte> sealedPayload) => PayloadCipher.Open(payloadKey, matchTag, sealedPayload);

    internal override byte[] HashAndMultiply(IReadOnlyList<byte[]> keys, PsiScalar k)
    {
        var points = Oprf.HashKeys(keys);
        RistrettoPoint.MultiplyBatch(points, Own<RistrettoScalar>(k).Value, points);
        return Oprf.WriteElements(points);
    }

    internal override byte[] Multiply(ReadOnlySpan<byte> batch, PsiScalar k)
    {
        var points = Oprf.ReadElements(batch);
        RistrettoPoint.MultiplyBatch(points, Own<RistrettoScalar>(k).Value, points);
        return Oprf.WriteElements(points);
    }

    private protected override void Hash(ReadOnlySpan<byte> input, Span<byte> digest) => SHA512.HashData(input, digest);

    private sealed class RistrettoScalar(Scalar value) : PsiScalar
    {
        public Scalar Value => value;

        public override PsiSuite Suite => Ristretto255;

        public override byte[] Encode()
        {
            var bytes = new byte[Scalar.Size];
            value.Encode(bytes);
            return bytes;
        }

        public override PsiScalar Invert() => new RistrettoScalar(value.Invert());

        protected override void Dispose(bool disposing) => value.Dispose();
    }
}
