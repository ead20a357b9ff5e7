using PrivacyNode.Node.Catalog;

namespace PrivacyNode.Node.Tests.Catalog;

public sealed class KeyTypesTests
{
    [Theory]
    // GB 11643-1999's own examples, a lower-case x, full-width digits and padding.
    [InlineData("cn-resident-id", "11010519491231002X", "11010519491231002X")]
    [InlineData("cn-resident-id", "440524188001010014", "440524188001010014")]
    [InlineData("cn-resident-id", " 11010519491231002x ", "11010519491231002X")]
    [InlineData("cn-resident-id", "１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X")]
    // Unified social credit codes with valid GB 32100 check characters; lower case is upper-cased.
    [InlineData("cn-uscc", "91350100M000100Y43", "91350100M000100Y43")]
    [InlineData("cn-uscc", "91110108551385082q", "91110108551385082Q")]
    [InlineData("cn-mobile", "+86 138-0013-8000", "13800138000")]
    [InlineData("cn-mobile", "0086 13800138000", "13800138000")]
    [InlineData("cn-mobile", "8613800138000", "13800138000")]
    [InlineData("cn-mobile", "１３８００１３８０００", "13800138000")]
    [InlineData("date", "2026-10-03", "2026-10-03")]
    [InlineData("date", "2024-02-29", "2024-02-29")]
    [InlineData("date", "0001-01-01", "0001-01-01")]
    [InlineData("date", "9999-12-31", "9999-12-31")]
    [InlineData("date", "2026/10/3", "2026-10-03")]
    [InlineData("date", "2026.1.3", "2026-01-03")]
    [InlineData("date", "20261003", "2026-10-03")]
    [InlineData("date", "2026年10月3日", "2026-10-03")]
    [InlineData("date", "２０２６－１０－０３", "2026-10-03")]
    [InlineData("text", "  Zhang　 San ", "Zhang San")]
    [InlineData("text", "Zhang San", "Zhang San")]
    [InlineData("text", "Zhang  San", "Zhang San")]
    [InlineData("text", "Zhang\u00A0San", "Zhang San")]
    [InlineData("text", "常州 No.2", "常州 No.2")]
    public void Normalize_Valid(string keyType, string raw, string expected)
    {
        Assert.True(KeyTypes.TryNormalize(keyType, raw, out var canonical, out var error), error);
        Assert.Equal(expected, canonical);
    }

    [Theory]
    [InlineData("cn-resident-id", "110105194912310021", "check character")]
    [InlineData("cn-resident-id", "11010519491331002X", "check character")]
    [InlineData("cn-resident-id", "1101051949123100", "18 characters")]
    [InlineData("cn-resident-id", "11010519A91231002X", "digits")]
    [InlineData("cn-uscc", "91350100M000100Y44", "check character")]
    [InlineData("cn-uscc", "91350100M00010OY43", "not allowed")]
    [InlineData("cn-mobile", "1380013800", "11 digits")]
    [InlineData("cn-mobile", "23800138000", "starting with 1")]
    [InlineData("cn-mobile", "138-0013-800a", "not allowed")]
    [InlineData("date", "2026-02-30", "a date is written")]
    [InlineData("date", "2023-02-29", "a date is written")]
    [InlineData("date", "0000-01-01", "a date is written")]
    [InlineData("date", "2026-13-01", "a date is written")]
    [InlineData("date", "2026-00-10", "a date is written")]
    [InlineData("date", "2026-01-00", "a date is written")]
    [InlineData("date", "+026-01-01", "a date is written")]
    [InlineData("date", "2026-1-100", "a date is written")]
    [InlineData("date", "03/10/2026", "a date is written")]
    [InlineData("text", "   ", "empty")]
    [InlineData("text", "a\u001Fb", "control characters")]
    public void Normalize_Invalid_SaysWhy(string keyType, string raw, string reason)
    {
        Assert.False(KeyTypes.TryNormalize(keyType, raw, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ResidentId_WithImpossibleBirthDate_IsInvalid()
    {
        // 1990-02-30 with a correct check character.
        var body = "11010519900230001";
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var id = body + "10X98765432"[body.Select((c, i) => (c - '0') * weights[i]).Sum() % 11];
        Assert.False(KeyTypes.TryNormalize(KeyTypes.ResidentId, id, out _, out var error));
        Assert.Contains("birth date", error, StringComparison.Ordinal);
    }
}
