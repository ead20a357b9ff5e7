using System.Buffers.Binary;
using System.Security.Cryptography;
using PrivacyNode.Crypto.Blocks;

namespace PrivacyNode.Crypto.Tests.Blocks;

/// <summary>The counter-mode PRG and the fixed-key hashes against their definitions, computed block by block with AES-128.</summary>
public sealed class FixedKeyHashTests
{
    private static readonly byte[] FixedKey = SHA256.HashData("privacynode fixed-key aes v1"u8)[..16];

    [Fact]
    public void Prg_IsAesOfTheCounter_AndAnyRangeStandsAlone()
    {
        var seed = SHA256.HashData("seed"u8)[..16];
        using var prg = new AesPrg(seed);
        var all = new byte[10 * 16];
        var tail = new byte[3 * 16];

        prg.Fill(all);
        prg.Fill(tail, firstBlock: 7);

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(Encrypt(seed, Counter((UInt128)(ulong)i)), all.AsSpan(i * 16, 16).ToArray());
        }

        Assert.Equal(all.AsSpan(7 * 16).ToArray(), tail.AsSpan().ToArray());
        using var other = new AesPrg(SHA256.HashData("other"u8).AsSpan(0, 16));
        var different = new byte[16];
        other.Fill(different);
        Assert.NotEqual(all[..16], different);
        Assert.Throws<ArgumentException>(() => prg.Fill(new byte[15]));
    }

    [Fact]
    public void CircularCorrelationRobust_IsPiOfSigmaXorSigma()
    {
        var input = SHA256.HashData("x"u8);
        var output = new byte[32];

        FixedKeyHash.CircularCorrelationRobust(input, output);

        for (var k = 0; k < 2; k++)
        {
            var x = input.AsSpan(k * 16, 16);
            var sigma = new byte[16];
            var low = BinaryPrimitives.ReadUInt64LittleEndian(x);
            var high = BinaryPrimitives.ReadUInt64LittleEndian(x[8..]);
            BinaryPrimitives.WriteUInt64LittleEndian(sigma, low ^ high);
            BinaryPrimitives.WriteUInt64LittleEndian(sigma.AsSpan(8), low);
            Assert.Equal(Xor(Encrypt(FixedKey, sigma), sigma), output.AsSpan(k * 16, 16).ToArray());
        }

        FixedKeyHash.CircularCorrelationRobust(input, input);
        Assert.Equal(output, input);
    }

    [Fact]
    public void TweakableCorrelationRobust_IsPiOfPiXorTweak_XorPi_AndTweaksSeparate()
    {
        var block = SHA256.HashData("x"u8)[..16];
        var twice = new byte[32];
        block.CopyTo(twice, 0);
        block.CopyTo(twice, 16);
        var output = new byte[32];

        FixedKeyHash.TweakableCorrelationRobust(twice, firstTweak: 41, output);

        var permuted = Encrypt(FixedKey, block);
        for (var k = 0; k < 2; k++)
        {
            var tweaked = Xor(permuted, Counter((UInt128)(41UL + (ulong)k)));
            Assert.Equal(Xor(Encrypt(FixedKey, tweaked), permuted), output.AsSpan(k * 16, 16).ToArray());
        }

        Assert.NotEqual(output[..16], output[16..]);
        Assert.Throws<ArgumentException>(() => FixedKeyHash.TweakableCorrelationRobust(new byte[16], 0, new byte[32]));
    }

    private static byte[] Encrypt(byte[] key, byte[] block)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        return aes.EncryptEcb(block, PaddingMode.None);
    }

    private static byte[] Counter(UInt128 value)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] Xor(byte[] a, byte[] b) => [.. a.Zip(b, (x, y) => (byte)(x ^ y))];
}
