using System.Security.Cryptography;
using PrivacyNode.Crypto.Aggregate;

namespace PrivacyNode.Crypto.Tests.Aggregate;

/// <summary>Sealing contributions to the aggregator: round trips, and every alteration or misdirection refused.</summary>
public sealed class ContributionSealTests
{
    private static readonly byte[] Job = "job-0123456789abcdef"u8.ToArray();

    [Fact]
    public void Seal_OpensForItsRecipientAndDataOnly()
    {
        using var recipient = ContributionSeal.CreateRecipient();
        using var stranger = ContributionSeal.CreateRecipient();
        var plaintext = RandomNumberGenerator.GetBytes(1000);
        var sealedBytes = ContributionSeal.Seal(ContributionSeal.PublicKeyOf(recipient), Job, plaintext);
        Assert.Equal(plaintext.Length + ContributionSeal.Overhead, sealedBytes.Length);
        Assert.Equal(plaintext, ContributionSeal.Open(recipient, Job, sealedBytes));
        Assert.NotEqual(sealedBytes, ContributionSeal.Seal(ContributionSeal.PublicKeyOf(recipient), Job, plaintext)); // fresh ephemeral key and nonce

        Assert.ThrowsAny<CryptographicException>(() => ContributionSeal.Open(stranger, Job, sealedBytes));
        Assert.ThrowsAny<CryptographicException>(() => ContributionSeal.Open(recipient, "job-other"u8, sealedBytes));
        foreach (var position in new[] { 10, 70, 100, sealedBytes.Length - 1 })
        {
            var altered = (byte[])sealedBytes.Clone();
            altered[position] ^= 0x01;
            Assert.ThrowsAny<CryptographicException>(() => ContributionSeal.Open(recipient, Job, altered));
        }

        Assert.ThrowsAny<CryptographicException>(() => ContributionSeal.Open(recipient, Job, sealedBytes.AsSpan(0, ContributionSeal.Overhead - 1)));
    }

    [Fact]
    public void PointsOffTheCurve_AreRefused()
    {
        using var recipient = ContributionSeal.CreateRecipient();
        var offCurve = ContributionSeal.PublicKeyOf(recipient);
        offCurve[^1] ^= 0x01;
        Assert.ThrowsAny<CryptographicException>(() => ContributionSeal.Seal(offCurve, Job, [1, 2, 3]));
        Assert.ThrowsAny<CryptographicException>(() => ContributionSeal.Seal(offCurve.AsSpan(0, 33), Job, [1, 2, 3]));
        Assert.True(ContributionSeal.IsPublicKey(ContributionSeal.PublicKeyOf(recipient)));
        Assert.False(ContributionSeal.IsPublicKey(offCurve));
        Assert.False(ContributionSeal.IsPublicKey(offCurve.AsSpan(0, 33)));
        Assert.False(ContributionSeal.IsPublicKey(new byte[65]));

        var sealedBytes = ContributionSeal.Seal(ContributionSeal.PublicKeyOf(recipient), Job, [1, 2, 3]);
        sealedBytes[64] ^= 0x01; // the ephemeral point's last byte
        Assert.ThrowsAny<CryptographicException>(() => ContributionSeal.Open(recipient, Job, sealedBytes));
    }
}
