using PrivacyNode.Node.Users;

namespace PrivacyNode.Node.Tests.Identity;

public sealed class BearerTokenTests
{
    [Fact]
    public void Create_IsWellFormedAndUnique()
    {
        var tokens = Enumerable.Range(0, 100).Select(_ => BearerToken.Create()).ToList();

        Assert.All(tokens, t => Assert.True(BearerToken.IsWellFormed(t), t));
        Assert.All(tokens, t => Assert.Matches("^pn_[A-Za-z0-9_-]{43}$", t));
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
    }

    [Fact]
    public void Hash_IsStableAndDiffersPerToken()
    {
        var a = BearerToken.Create();
        var b = BearerToken.Create();

        Assert.Equal(BearerToken.Hash(a), BearerToken.Hash(a));
        Assert.NotEqual(BearerToken.Hash(a), BearerToken.Hash(b));
        Assert.Equal(32, BearerToken.Hash(a).Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("pn_short")]
    [InlineData("xx_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void IsWellFormed_Rejects(string? text)
    {
        Assert.False(BearerToken.IsWellFormed(text));
    }
}
