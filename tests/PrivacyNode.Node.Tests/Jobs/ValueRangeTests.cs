using PrivacyNode.Node.Jobs;

namespace PrivacyNode.Node.Tests.Jobs;

/// <summary>The declared value ranges of psi-sum and he-aggregate: decimals held exactly at the bounds' scale, and what is refused.</summary>
public sealed class ValueRangeTests
{
    [Theory]
    [InlineData("0.00", "100000.00", 0L, 10_000_000L, 2)]
    [InlineData("-5", "5", -5L, 5L, 0)]
    [InlineData(" 1.5 ", "+20.125", 1_500L, 20_125L, 3)]
    [InlineData("-9223372036854775808", "9223372036854775807", long.MinValue, long.MaxValue, 0)]
    public void Bounds_SetTheScale(string min, string max, long low, long high, int scale)
    {
        Assert.True(ValueRange.TryParse(min, max, out var range, out var error), error);
        Assert.Equal(new ValueRange(low, high, scale), range);
    }

    [Theory]
    [InlineData(null, "1", "declares")]
    [InlineData("1", "0", "empty")]
    [InlineData("a", "1", "not two decimals")]
    [InlineData("1.", "2", "not two decimals")]
    [InlineData("1e3", "2000", "not two decimals")]
    [InlineData("0", "9223372036854775808", "not two decimals")]
    [InlineData("0", "92233720368547758.08", "not two decimals")]
    [InlineData("0", "1.0000000000000000001", "not two decimals")]
    public void BadBounds_AreRefusedWithAReason(string? min, string max, string reason)
    {
        Assert.False(ValueRange.TryParse(min, max, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_AreReadAtTheScaleAndWithinTheRange()
    {
        Assert.True(ValueRange.TryParse("0.00", "1000.00", out var range, out _));
        Assert.True(range.TryRead("12.5", out var value));
        Assert.Equal(1250, value);
        Assert.True(range.TryRead("1000", out value));
        Assert.Equal(100_000, value);
        Assert.False(range.TryRead("1000.01", out _));
        Assert.False(range.TryRead("0.001", out _));
        Assert.False(range.TryRead("-1", out _));
        Assert.False(range.TryRead("", out _));
        Assert.False(range.TryRead("12,5", out _));
        Assert.False(range.TryRead(null, out _));
        Assert.True(range.TryRead(" +7 ", out value));
        Assert.Equal(700, value);
        foreach (var malformed in new[] { ".5", "5.", "--5", "1.2.3", "+", "-", "٣", "1 2" })
        {
            Assert.False(range.TryRead(malformed, out _), malformed);
        }
    }

    [Fact]
    public void Sums_AreFormattedAtTheScale()
    {
        Assert.Equal("12345.60", new ValueRange(0, 1, 2).Format(1_234_560));
        Assert.Equal("-0.05", new ValueRange(-10, 1, 2).Format(-5));
        Assert.Equal("0.000", new ValueRange(0, 1, 3).Format(0));
        Assert.Equal("170141183460469231731687303715884105727", new ValueRange(0, 1, 0).Format(Int128.MaxValue));
    }
}
