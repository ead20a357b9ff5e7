using System.Security.Cryptography;
using PrivacyNode.Crypto.Blocks;

namespace PrivacyNode.Crypto.Tests.Blocks;

/// <summary>AES-128 against FIPS 197's known answer and against the platform's AES, at batch sizes around the eight-block kernel.</summary>
public sealed class Aes128Tests
{
    [Fact]
    public void Fips197AppendixC1_KnownAnswer()
    {
        using var aes = new Aes128(Convert.FromHexString("000102030405060708090a0b0c0d0e0f"));
        var block = Convert.FromHexString("00112233445566778899aabbccddeeff");

        aes.Encrypt(block, block);

        Assert.Equal("69c4e0d86a7b0430d8cdb78070b4c55a", Convert.ToHexStringLower(block));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(17)]
    [InlineData(1000)]
    public void Batches_MatchThePlatformsAes(int blocks)
    {
        var seed = new byte[32];
        seed[0] = (byte)blocks;
        var key = SHA256.HashData(seed).AsSpan(0, 16).ToArray();
        var input = new byte[blocks * Aes128.BlockSize];
        for (var i = 0; i < input.Length; i += 32)
        {
            seed[1] = (byte)i;
            seed[2] = (byte)(i >> 8);
            SHA256.HashData(seed).AsSpan(0, Math.Min(32, input.Length - i)).CopyTo(input.AsSpan(i));
        }

        using var reference = System.Security.Cryptography.Aes.Create();
        reference.Key = key;
        var expected = reference.EncryptEcb(input, PaddingMode.None);
        using var aes = new Aes128(key);
        var output = new byte[input.Length];

        aes.Encrypt(input, output);
        aes.Encrypt(input, input);

        Assert.Equal(expected, output);
        Assert.Equal(expected, input);
    }

    [Fact]
    public void BadSizes_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => new Aes128(new byte[15]));
        using var aes = new Aes128(new byte[16]);
        Assert.Throws<ArgumentException>(() => aes.Encrypt(new byte[17], new byte[17]));
        Assert.Throws<ArgumentException>(() => aes.Encrypt(new byte[16], new byte[32]));
    }
}
