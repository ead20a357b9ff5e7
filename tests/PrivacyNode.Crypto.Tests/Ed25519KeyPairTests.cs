using PrivacyNode.Crypto.Signatures;

namespace PrivacyNode.Crypto.Tests;

public sealed class Ed25519KeyPairTests
{
    // RFC 8032 section 7.1, TEST 1-3: secret key, public key, message, signature.
    public static TheoryData<string, string, string, string> Rfc8032Vectors => new()
    {
        {
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        },
        {
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        },
        {
            "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
        },
    };

    [Theory]
    [MemberData(nameof(Rfc8032Vectors))]
    public void Rfc8032_Vectors(string secret, string publicKey, string message, string signature)
    {
        using var key = Ed25519KeyPair.FromSeed(Convert.FromHexString(secret));
        Assert.Equal(publicKey, Convert.ToHexStringLower(key.PublicKey));
        Assert.Equal(signature, Convert.ToHexStringLower(key.Sign(Convert.FromHexString(message))));
        Assert.True(Ed25519KeyPair.Verify(Convert.FromHexString(publicKey), Convert.FromHexString(message), Convert.FromHexString(signature)));
    }

    [Fact]
    public void Verify_RejectsTamperedMessageSignatureAndWrongKey()
    {
        using var key = Ed25519KeyPair.Generate();
        using var other = Ed25519KeyPair.Generate();
        var message = "audit record"u8.ToArray();
        var signature = key.Sign(message);
        Assert.True(Ed25519KeyPair.Verify(key.PublicKey, message, signature));

        var tamperedMessage = (byte[])message.Clone();
        tamperedMessage[0] ^= 1;
        Assert.False(Ed25519KeyPair.Verify(key.PublicKey, tamperedMessage, signature));
        for (var i = 0; i < signature.Length; i += 7)
        {
            var tampered = (byte[])signature.Clone();
            tampered[i] ^= 0x10;
            Assert.False(Ed25519KeyPair.Verify(key.PublicKey, message, tampered));
        }

        Assert.False(Ed25519KeyPair.Verify(other.PublicKey, message, signature));
    }

    [Fact]
    public void Verify_MalformedInputs_AreFalseNotExceptions()
    {
        using var key = Ed25519KeyPair.Generate();
        var signature = key.Sign([1, 2, 3]);
        Assert.False(Ed25519KeyPair.Verify(key.PublicKey.AsSpan(0, 31), [1, 2, 3], signature));
        Assert.False(Ed25519KeyPair.Verify(key.PublicKey, [1, 2, 3], signature.AsSpan(0, 63)));
        Assert.False(Ed25519KeyPair.Verify(new byte[32], [1, 2, 3], new byte[64]));
        // S >= group order is non-canonical and must be rejected.
        var highS = (byte[])signature.Clone();
        highS[63] = 0xff;
        Assert.False(Ed25519KeyPair.Verify(key.PublicKey, [1, 2, 3], highS));
    }

    [Fact]
    public void Dispose_ZeroesSeed_AndRefusesToSign()
    {
        var key = Ed25519KeyPair.Generate();
        var seed = new byte[Ed25519KeyPair.SeedSize];
        key.ExportSeed(seed);
        Assert.Contains(seed, b => b != 0);
        key.Dispose();
        Assert.Throws<ObjectDisposedException>(() => key.Sign([1]));
        Assert.Throws<ObjectDisposedException>(() => key.ExportSeed(seed));
    }
}
