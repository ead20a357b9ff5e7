using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Catalog;

namespace PrivacyNode.Node.Tests.Catalog;

public sealed class KeySpecTests
{
    private static KeySpec Parse(string column, string keyType)
    {
        Assert.True(KeySpec.TryParse(new KeyColumn { Column = column, KeyType = keyType }, out var spec, out var error), error);
        return spec;
    }

    [Fact]
    public void CompositeKey_NormalizesEachPartByItsType()
    {
        var spec = Parse("id_number+admitted", "cn-resident-id+date");
        string[] header = ["claim", "admitted", "id_number"];
        var indexes = spec.IndexesIn(header);

        Assert.True(spec.TryNormalize(["c1", "2026/10/3", " 11010519491231002x"], indexes, out var a, out var error), error);
        Assert.True(spec.TryNormalize(["c2", "2026-10-03", "11010519491231002X"], indexes, out var b, out error), error);

        Assert.Equal(a, b);
        Assert.Equal("11010519491231002X|2026-10-03", KeySpec.Display(a));
        Assert.True(spec.TryNormalize(["c3", "2026-10-04", "11010519491231002X"], indexes, out var c, out _));
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void CompositeKey_InvalidPart_NamesTheColumn()
    {
        var spec = Parse("mobile+day", "cn-mobile+date");

        Assert.False(spec.TryNormalize(["13800138000", "tomorrow"], spec.IndexesIn(["mobile", "day"]), out _, out var error));

        Assert.StartsWith("day: a date is written", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TextParts_CannotForgeTheSeparator()
    {
        var spec = Parse("a+b", "text+text");
        var indexes = spec.IndexesIn(["a", "b"]);

        Assert.False(spec.TryNormalize(["x", "y\u001Fz"], indexes, out _, out _));
        Assert.False(spec.TryNormalize(["x\u001Fy", "z"], indexes, out _, out _));
    }

    [Theory]
    [InlineData("id_number+day", "cn-resident-id", "2 part(s)")]
    [InlineData("id_number+", "cn-resident-id+date", "empty part")]
    [InlineData("day+day", "date+date", "twice")]
    [InlineData("id_number+day", "cn-resident-id+when", "unknown key type 'when'")]
    public void MalformedKeys_SayWhy(string column, string keyType, string reason)
    {
        Assert.False(KeySpec.TryParse(new KeyColumn { Column = column, KeyType = keyType }, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingSourceColumn_IsAClearError()
    {
        var spec = Parse("mobile+day", "cn-mobile+date");

        var ex = Assert.Throws<DataSourceException>(() => spec.IndexesIn(["mobile", "date"]));

        Assert.Contains("'day' is not in the source", ex.Message, StringComparison.Ordinal);
    }
}
