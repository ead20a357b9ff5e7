using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using PrivacyNode.Crypto.Sm2;

namespace PrivacyNode.Crypto.Psi;

/// <summary>
/// The national-standard suite: the SM2 curve with RFC 9380 simplified SWU hash-to-group over SM3, SM3
/// derivations, and SM4-GCM payloads (the first 16 bytes of the payload key). All through BouncyCastle.
/// </summary>
internal sealed class Sm2Suite : PsiSuite
{
    private const int NonceSize = 12;
    private const int MacSize = 16;

    private static ReadOnlySpan<byte> HashToGroupDst => "PrivacyNode-PSI-V1-SM2_XMD:SM3_SSWU_RO_"u8;

    public override string Name => "sm2-sm3";

    public override int ElementSize => Sm2Group.ElementSize;

    public override PsiScalar RandomScalar()
    {
        // 384 random bits reduced into [1, n - 1]: the bias is below 2^-128.
        var wide = new byte[48];
        CryptoRandom.Fill(wide);
        var k = new BigInteger(1, wide).Mod(Sm2Group.Order.Subtract(BigInteger.One)).Add(BigInteger.One);
        Array.Clear(wide);
        return new Sm2Scalar(k);
    }

    public override PsiScalar DecodeScalar(ReadOnlySpan<byte> encoded)
    {
        var k = new BigInteger(1, encoded.ToArray());
        return encoded.Length == 32 && k.SignValue > 0 && k.CompareTo(Sm2Group.Order) < 0
            ? new Sm2Scalar(k)
            : throw new ArgumentException("Not a canonical non-zero SM2 scalar.", nameof(encoded));
    }

    public override byte[] Seal(ReadOnlySpan<byte> payloadKey, ReadOnlySpan<byte> matchTag, ReadOnlySpan<byte> plaintext)
    {
        var nonce = new byte[NonceSize];
        CryptoRandom.Fill(nonce);
        return Seal(payloadKey, matchTag, plaintext, nonce);
    }

    /// <summary>Seals under a given nonce (tests check it against RFC 8998's SM4-GCM vector).</summary>
    internal static byte[] Seal(ReadOnlySpan<byte> payloadKey, ReadOnlySpan<byte> matchTag, ReadOnlySpan<byte> plaintext, byte[] nonce)
    {
        var gcm = Gcm(payloadKey, matchTag, nonce, encrypt: true);
        var output = new byte[NonceSize + gcm.GetOutputSize(plaintext.Length)];
        nonce.CopyTo(output, 0);
        var written = gcm.ProcessBytes(plaintext.ToArray(), 0, plaintext.Length, output, NonceSize);
        gcm.DoFinal(output, NonceSize + written);
        return output;
    }

    public override byte[] Open(ReadOnlySpan<byte> payloadKey, ReadOnlySpan<byte> matchTag, ReadOnlySpan<byte> sealedPayload)
    {
        if (sealedPayload.Length < NonceSize + MacSize)
        {
            throw new PsiProtocolException($"A sealed payload is at least {NonceSize + MacSize} bytes; got {sealedPayload.Length}.");
        }

        var gcm = Gcm(payloadKey, matchTag, sealedPayload[..NonceSize].ToArray(), encrypt: false);
        var body = sealedPayload[NonceSize..].ToArray();
        var plaintext = new byte[gcm.GetOutputSize(body.Length)];
        try
        {
            var written = gcm.ProcessBytes(body, 0, body.Length, plaintext, 0);
            gcm.DoFinal(plaintext, written);
        }
        catch (Org.BouncyCastle.Crypto.InvalidCipherTextException ex)
        {
            throw new PsiProtocolException("A sealed payload failed authentication.", ex);
        }

        return plaintext;
    }

    internal override byte[] HashAndMultiply(IReadOnlyList<byte[]> keys, PsiScalar k)
    {
        var scalar = Own<Sm2Scalar>(k).Value;
        var output = new byte[keys.Count * ElementSize];
        for (var i = 0; i < keys.Count; i++)
        {
            Sm2Group.Encode(Sm2Group.Multiply(Sm2Group.HashToGroup(keys[i], HashToGroupDst), scalar), output.AsSpan(i * ElementSize, ElementSize));
        }

        return output;
    }

    internal override byte[] Multiply(ReadOnlySpan<byte> batch, PsiScalar k)
    {
        var scalar = Own<Sm2Scalar>(k).Value;
        var count = CountElements(batch);
        var points = new ECPoint[count];
        for (var i = 0; i < count; i++)
        {
            if (!Sm2Group.TryDecode(batch.Slice(i * ElementSize, ElementSize), out points[i]))
            {
                throw new PsiProtocolException($"Element {i} of the batch is not a valid compressed SM2 point.");
            }
        }

        var output = new byte[batch.Length];
        for (var i = 0; i < count; i++)
        {
            Sm2Group.Encode(Sm2Group.Multiply(points[i], scalar), output.AsSpan(i * ElementSize, ElementSize));
        }

        return output;
    }

    private protected override void Hash(ReadOnlySpan<byte> input, Span<byte> digest)
    {
        var sm3 = new SM3Digest();
        sm3.BlockUpdate(input.ToArray(), 0, input.Length);
        var result = new byte[sm3.GetDigestSize()];
        sm3.DoFinal(result, 0);
        result.CopyTo(digest);
    }

    private static GcmBlockCipher Gcm(ReadOnlySpan<byte> payloadKey, ReadOnlySpan<byte> matchTag, byte[] nonce, bool encrypt)
    {
        var gcm = new GcmBlockCipher(new SM4Engine());
        gcm.Init(encrypt, new AeadParameters(new KeyParameter(payloadKey[..16].ToArray()), MacSize * 8, nonce, matchTag.ToArray()));
        return gcm;
    }

    /// <summary>An SM2 scalar. BouncyCastle's BigInteger is immutable, so only the reference is dropped on dispose.</summary>
    private sealed class Sm2Scalar(BigInteger value) : PsiScalar
    {
        private BigInteger _value = value;

        public BigInteger Value => _value ?? throw new ObjectDisposedException(nameof(Sm2Scalar));

        public override PsiSuite Suite => Sm2;

        public override byte[] Encode() => Value.ToByteArrayUnsigned() is var bytes && bytes.Length <= 32
            ? [.. new byte[32 - bytes.Length], .. bytes]
            : throw new InvalidOperationException("An SM2 scalar is 32 bytes.");

        public override PsiScalar Invert() => new Sm2Scalar(Value.ModInverse(Sm2Group.Order));

        protected override void Dispose(bool disposing) => _value = null!;
    }
}
