using PrivacyNode.Node.Catalog;

namespace PrivacyNode.Node.Tests.Catalog;

/// <summary>Distinct fingerprints are counted exactly, within one block, across blocks and with none at all.</summary>
public sealed class KeyFingerprintsTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(10, 3)]
    [InlineData(2_200_000, 1_500_000)]
    public void CountDistinct_CountsEachValueOnce(int added, int modulus)
    {
        var fingerprints = new KeyFingerprints();
        for (var i = 0; i < added; i++)
        {
            // Values spread over the whole 128 bits, repeating every `modulus`, added out of order.
            var v = (UInt128)(((ulong)i * 2_654_435_761UL) % (ulong)modulus);
            fingerprints.Add((v << 96) | (v * 0x9E37_79B9UL));
        }

        Assert.Equal(added, fingerprints.Count);
        Assert.Equal(Math.Min(added, modulus), fingerprints.CountDistinct());
    }
}
