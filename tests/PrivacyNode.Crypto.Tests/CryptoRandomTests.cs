namespace PrivacyNode.Crypto.Tests;

/// <summary>The buffered source of public random values hands out fresh bytes on every call, across its 4 KiB refills.</summary>
public sealed class CryptoRandomTests
{
    [Fact]
    public void FillPublic_NeverRepeatsAcrossRefills()
    {
        // 1,000 nonces of 12 bytes span three refills; a repeat or an all-zero nonce would mean bytes handed out twice or never filled.
        var seen = new HashSet<string>();
        var nonce = new byte[12];
        for (var i = 0; i < 1000; i++)
        {
            CryptoRandom.FillPublic(nonce);
            Assert.Contains(nonce, b => b != 0);
            Assert.True(seen.Add(Convert.ToHexString(nonce)));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => CryptoRandom.FillPublic(new byte[4097]));
    }
}
