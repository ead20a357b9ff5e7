using System.Security.Cryptography;
using PrivacyNode.Node.Identity;

namespace PrivacyNode.Node.Tests.Identity;

public sealed class InvitationTests
{
    private static readonly byte[] SomeFingerprint = SHA256.HashData([1, 2, 3]);

    [Theory]
    [InlineData("bureau", "10.1.2.3", 7443)]
    [InlineData("a", "node.example.gov.cn", 1)]
    [InlineData("medical-insurance-bureau", "::1", 65535)]
    public void ToString_ThenParse_RoundTrips(string name, string host, int port)
    {
        var invitation = new Invitation(name, host, port, SomeFingerprint);

        var parsed = Invitation.Parse(invitation.ToString());

        Assert.Equal(name, parsed.Name);
        Assert.Equal(host, parsed.Host);
        Assert.Equal(port, parsed.Port);
        Assert.Equal(SomeFingerprint, parsed.Fingerprint);
    }

    [Fact]
    public void Parse_SurroundingWhitespace_IsIgnored()
    {
        var text = "  " + new Invitation("bureau", "10.0.0.1", 7443, SomeFingerprint) + "\n";

        Assert.Equal("bureau", Invitation.Parse(text).Name);
    }

    [Fact]
    public void ToString_Ipv6_UsesBrackets()
    {
        Assert.Contains("@[::1]:7443?", new Invitation("x", "::1", 7443, SomeFingerprint).ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "starts with")]
    [InlineData("https://bureau@10.0.0.1:7443?fp=sha256:00", "starts with")]
    [InlineData("privacynode://10.0.0.1:7443?fp=sha256:{fp}", "name")]
    [InlineData("privacynode://Bureau@10.0.0.1:7443?fp=sha256:{fp}", "name")]
    [InlineData("privacynode://bu reau@10.0.0.1:7443?fp=sha256:{fp}", "name")]
    [InlineData("privacynode://bureau@10.0.0.1?fp=sha256:{fp}", "port")]
    [InlineData("privacynode://bureau@10.0.0.1:?fp=sha256:{fp}", "port")]
    [InlineData("privacynode://bureau@10.0.0.1:7443", "fingerprint")]
    [InlineData("privacynode://bureau@10.0.0.1:7443?fp=md5:abcd", "fingerprint")]
    [InlineData("privacynode://bureau@10.0.0.1:7443?fp=sha256:abcd", "fingerprint")]
    [InlineData("privacynode://bureau@10.0.0.1:7443?fp=sha256:{fp}&x=1", "fingerprint")]
    [InlineData("privacynode://bureau@10.0.0.1:7443/path?fp=sha256:{fp}", "after the address")]
    [InlineData("privacynode://bureau@10.0.0.1:7443?fp=sha256:{zz}", "fingerprint")]
    public void Parse_Invalid_SaysWhichPartIsWrong(string text, string expected)
    {
        text = text.Replace("{fp}", Convert.ToHexStringLower(SomeFingerprint), StringComparison.Ordinal)
                   .Replace("{zz}", new string('z', 64), StringComparison.Ordinal);

        var ex = Assert.Throws<FormatException>(() => Invitation.Parse(text));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
