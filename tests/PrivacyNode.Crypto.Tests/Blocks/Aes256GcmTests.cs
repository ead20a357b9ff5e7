using System.Security.Cryptography;
using PrivacyNode.Crypto.Blocks;

namespace PrivacyNode.Crypto.Tests.Blocks;

/// <summary>
/// The AES-NI AES-256-GCM against the platform's (OpenSSL) on random keys, nonces, associated data and every message length up to
/// five blocks, a NIST SP 800-38D test case, and tampering: any changed bit of the ciphertext, tag, nonce, key or associated data
/// fails, and the plaintext is then zeroed.
/// </summary>
public sealed class Aes256GcmTests
{
    [Fact]
    public void Output_IsThePlatformsByteForByte()
    {
        if (RefusedWithoutAesNi())
        {
            return;
        }

        for (var length = 0; length <= 80; length++)
        {
            foreach (var adLength in new[] { 0, 1, 16, 33 })
            {
                var (key, nonce, plaintext, ad) = (RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(12), RandomNumberGenerator.GetBytes(length), RandomNumberGenerator.GetBytes(adLength));
                var (expected, expectedTag) = (new byte[length], new byte[16]);
                using (var platform = new AesGcm(key, 16))
                {
                    platform.Encrypt(nonce, plaintext, expected, expectedTag, ad);
                }

                var (ciphertext, tag) = (new byte[length], new byte[16]);
                Aes256Gcm.Encrypt(key, nonce, plaintext, ciphertext, tag, ad);
                Assert.Equal(expected, ciphertext);
                Assert.Equal(expectedTag, tag);

                var opened = new byte[length];
                Assert.True(Aes256Gcm.TryDecrypt(key, nonce, ciphertext, tag, opened, ad));
                Assert.Equal(plaintext, opened);
            }
        }
    }

    [Fact]
    public void NistTestCase16_AES256WithAssociatedData()
    {
        // McGrew and Viega, "The Galois/Counter Mode of Operation", test case 16 (also in NIST's GCM validation suite).
        if (RefusedWithoutAesNi())
        {
            return;
        }

        var key = Convert.FromHexString("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
        var nonce = Convert.FromHexString("cafebabefacedbaddecaf888");
        var plaintext = Convert.FromHexString("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
        var ad = Convert.FromHexString("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        var (ciphertext, tag) = (new byte[plaintext.Length], new byte[16]);

        Aes256Gcm.Encrypt(key, nonce, plaintext, ciphertext, tag, ad);

        Assert.Equal("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662", Convert.ToHexStringLower(ciphertext));
        Assert.Equal("76fc6ece0f4e1768cddf8853bb2d551b", Convert.ToHexStringLower(tag));
    }

    [Fact]
    public void AnyChangedBit_FailsAndZeroesThePlaintext()
    {
        if (RefusedWithoutAesNi())
        {
            return;
        }

        var (key, nonce, plaintext, ad) = (RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(12), RandomNumberGenerator.GetBytes(37), RandomNumberGenerator.GetBytes(16));
        var (ciphertext, tag) = (new byte[37], new byte[16]);
        Aes256Gcm.Encrypt(key, nonce, plaintext, ciphertext, tag, ad);

        foreach (var input in new[] { ciphertext, tag, nonce, key, ad })
        {
            foreach (var bit in new[] { 0, 7, (input.Length * 8) - 1 })
            {
                input[bit / 8] ^= (byte)(1 << (bit % 8));
                var opened = Enumerable.Repeat((byte)0xAA, 37).ToArray();
                Assert.False(Aes256Gcm.TryDecrypt(key, nonce, ciphertext, tag, opened, ad));
                Assert.All(opened, b => Assert.Equal(0, b));
                input[bit / 8] ^= (byte)(1 << (bit % 8));
            }
        }

        Assert.True(Aes256Gcm.TryDecrypt(key, nonce, ciphertext, tag, new byte[37], ad));
    }

    /// <summary>Without AES-NI the class refuses (the payload cipher then uses the platform's); true when that is this CPU.</summary>
    private static bool RefusedWithoutAesNi()
    {
        if (Aes256Gcm.IsSupported)
        {
            return false;
        }

        Assert.Throws<PlatformNotSupportedException>(() => Aes256Gcm.Encrypt(new byte[32], new byte[12], [], [], new byte[16], []));
        return true;
    }
}
