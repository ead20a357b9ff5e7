using System.Security.Cryptography;
using CsCheck;
using PrivacyNode.Testing;
using PrivacyNode.Crypto.Aggregate;
using PrivacyNode.Crypto.Bfv;
using PrivacyNode.Crypto.Psi;
using PrivacyNode.Crypto.Ristretto;
using PrivacyNode.Crypto.Sm2;

namespace PrivacyNode.Crypto.Tests.Fuzz;

/// <summary>
/// A short, bounded, deterministic property-based fuzz (CsCheck generators, fixed seed) of every decoder a peer's bytes reach in Crypto: random and mutated inputs
/// end in the decoder's own refusal, never another exception, a hang or an unbounded allocation. The long runs are issue 20's.
/// </summary>
public sealed class DecoderFuzzTests
{
    private static readonly Gen<byte[]> Bytes = Gen.Byte.Array[0, 600];

    /// <summary>A valid encoding with a few bytes changed, cut short or extended: what reaches the parser's deeper branches.</summary>
    private static Gen<byte[]> Mutated(byte[] valid) =>
        Gen.Select(Gen.Int[0, Math.Max(0, valid.Length - 1)], Gen.Byte, Gen.Int[0, 3], Gen.Int[0, valid.Length + 8], (position, value, mode, length) =>
        {
            var copy = (byte[])valid.Clone();
            switch (mode)
            {
                case 0 when copy.Length > 0: copy[position] = value; return copy;
                case 1: return copy[..Math.Min(length, copy.Length)];
                case 2: return [.. copy, .. new byte[length % 9]];
                default: return copy.Length > 0 ? [.. copy[..position], value, .. copy[position..]] : [value];
            }
        });

    [Fact]
    public void Ristretto255_AnyBytes_DecodeOrRefuse()
    {
        FuzzRun.Check(Gen.Byte.Array[32], bytes =>
        {
            if (RistrettoPoint.TryDecode(bytes, out var point))
            {
                var encoded = new byte[32];
                point.Encode(encoded);
                Assert.Equal(bytes, encoded);
            }
        }, 20_000);
    }

    [Fact]
    public void Sm2_AnyBytes_DecodeOrRefuse()
    {
        FuzzRun.Check(Gen.OneOf(Gen.Byte.Array[33], Gen.Byte.Array[65], Bytes), bytes => { _ = Sm2Group.TryDecode(bytes, out _); }, 5_000);
    }

    [Theory]
    [InlineData("ristretto255-sha512")]
    [InlineData("sm2-sm3")]
    public void PsiEvaluation_OfHostileBatches_IsAProtocolErrorOrAnAnswer(string suiteName)
    {
        var suite = PsiSuite.Find(suiteName)!;
        using var provider = new PsiProvider(suite);
        FuzzRun.Check(Gen.Int[0, 4].SelectMany(n => Gen.Byte.Array[n * suite.ElementSize]), batch =>
        {
            try
            {
                Assert.Equal(batch.Length, provider.Evaluate(batch).Length);
            }
            catch (PsiProtocolException)
            {
            }
        }, suiteName == "sm2-sm3" ? 300 : 3_000);
    }

    [Fact]
    public void BfvCiphertextsAndKeys_FromHostileBytes_AreFormatErrorsOrValid()
    {
        var parameters = HeAggregateParameters.Bfv;
        var keys = new KeyGenerator(parameters);
        var publicKey = keys.CreatePublicKey(keys.CreateSecretKey());
        var ciphertext = BfvSerializer.Serialize(new Encryptor(publicKey).Encrypt(new Plaintext(parameters)));
        var key = BfvSerializer.Serialize(publicKey);

        FuzzRun.Check(Gen.OneOf(Bytes, Mutated(ciphertext), Mutated(key)), bytes =>
        {
            Refused<BfvFormatException>(() => BfvSerializer.DeserializeCiphertext(parameters, bytes));
            Refused<BfvFormatException>(() => BfvSerializer.DeserializePublicKey(parameters, bytes));
            Refused<BfvFormatException>(() => BfvSerializer.DeserializePlaintext(parameters, bytes));
        }, 600);
    }

    [Fact]
    public void ContributionSeals_FromHostileBytes_DoNotOpen()
    {
        using var recipient = ContributionSeal.CreateRecipient();
        var valid = ContributionSeal.Seal(ContributionSeal.PublicKeyOf(recipient), "job"u8, new byte[40]);
        FuzzRun.Check(Gen.OneOf(Bytes, Mutated(valid)), bytes =>
        {
            if (bytes.AsSpan().SequenceEqual(valid))
            {
                return;
            }

            Assert.ThrowsAny<CryptographicException>(() => ContributionSeal.Open(recipient, "job"u8, bytes));
        }, 3_000);
    }

    /// <summary>Runs <paramref name="decode"/>: it may succeed or throw <typeparamref name="TRefusal"/>, and nothing else.</summary>
    private static void Refused<TRefusal>(Action decode)
        where TRefusal : Exception
    {
        try
        {
            decode();
        }
        catch (TRefusal)
        {
        }
    }
}
