using PrivacyNode.Rpc.Internal;

namespace PrivacyNode.Rpc.Tests.Wire;

public sealed class PercentEncodingTests
{
    [Theory]
    [InlineData("plain ascii", "plain ascii")]
    [InlineData("100%", "100%25")]
    [InlineData("a\nb", "a%0Ab")]
    [InlineData("拒绝", "%E6%8B%92%E7%BB%9D")]
    [InlineData("✓ ok", "%E2%9C%93 ok")]
    public void Encode_KnownText_GivesSpecEncoding(string text, string encoded)
    {
        Assert.Equal(encoded, PercentEncoding.Encode(text));
        Assert.Equal(text, PercentEncoding.Decode(encoded));
    }

    [Theory]
    [InlineData("%")]
    [InlineData("50%")]
    [InlineData("%4")]
    [InlineData("%zz")]
    [InlineData("%E6%8B")]
    [InlineData("%FF%FE")]
    [InlineData("bad %G1 escape")]
    public void Decode_Malformed_ReturnsInputUnchanged(string text)
    {
        Assert.Equal(text, PercentEncoding.Decode(text));
    }

    [Fact]
    public void Decode_LowerCaseHex_IsAccepted()
    {
        Assert.Equal("拒", PercentEncoding.Decode("%e6%8b%92"));
    }
}
