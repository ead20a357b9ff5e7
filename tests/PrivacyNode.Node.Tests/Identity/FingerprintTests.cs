using PrivacyNode.Node.Identity;

namespace PrivacyNode.Node.Tests.Identity;

public sealed class FingerprintTests
{
    [Fact]
    public void Format_ThenParse_RoundTrips()
    {
        var bytes = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();

        var text = Fingerprint.Format(bytes);

        Assert.StartsWith("sha256:", text, StringComparison.Ordinal);
        Assert.Equal(71, text.Length);
        Assert.True(Fingerprint.TryParse(text, out var parsed));
        Assert.Equal(bytes, parsed);
        Assert.True(Fingerprint.TryParse(text.ToUpperInvariant().Replace("SHA256", "sha256", StringComparison.Ordinal), out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha256:")]
    [InlineData("sha1:0000000000000000000000000000000000000000")]
    [InlineData("sha256:00")]
    [InlineData("sha256:gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg")]
    public void TryParse_Invalid_ReturnsFalse(string? text)
    {
        Assert.False(Fingerprint.TryParse(text, out _));
    }
}
