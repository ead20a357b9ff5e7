using PrivacyNode.Rpc.Internal;

namespace PrivacyNode.Rpc.Tests.Wire;

public sealed class MetadataTests
{
    [Theory]
    [InlineData("grpc-status")]
    [InlineData("GRPC-custom")]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("colon:")]
    [InlineData("ünicode")]
    public void Add_InvalidOrReservedKey_Throws(string key)
    {
        Assert.Throws<ArgumentException>(() => new Metadata().Add(key, "v"));
    }

    [Fact]
    public void Add_UpperCaseKey_IsLowerCased()
    {
        var metadata = new Metadata().Add("X-Request-Id", "42");

        Assert.Equal("x-request-id", metadata[0].Key);
        Assert.Equal("42", metadata.GetValue("x-request-id"));
    }

    [Fact]
    public void Add_BinaryValueWithoutBinSuffix_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Metadata().Add("data", [1, 2]));
        Assert.Throws<ArgumentException>(() => new Metadata().Add("data-bin", "text"));
    }

    [Fact]
    public void Add_NonPrintableValue_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Metadata().Add("k", "line\nbreak"));
        Assert.Throws<ArgumentException>(() => new Metadata().Add("k", "中文"));
    }

    [Theory]
    [InlineData("AQID", new byte[] { 1, 2, 3 })]
    [InlineData("AQI", new byte[] { 1, 2 })]
    [InlineData("AQI=", new byte[] { 1, 2 })]
    [InlineData("AQ", new byte[] { 1 })]
    [InlineData("", new byte[0])]
    public void TryDecodeBase64_PaddedOrNot_Decodes(string text, byte[] expected)
    {
        Assert.True(MetadataCodec.TryDecodeBase64(text, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("A")]
    [InlineData("!!!!")]
    [InlineData("AQ=D")]
    public void TryDecodeBase64_Invalid_ReturnsFalse(string text)
    {
        Assert.False(MetadataCodec.TryDecodeBase64(text, out _));
    }
}
