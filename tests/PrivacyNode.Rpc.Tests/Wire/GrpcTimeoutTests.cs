using PrivacyNode.Rpc.Internal;

namespace PrivacyNode.Rpc.Tests.Wire;

public sealed class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("30S", 300_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("7u", 70L)]
    [InlineData("100n", 1L)]
    [InlineData("1n", 1L)]
    [InlineData("99999999H", 99_999_999L * 36_000_000_000L)]
    [InlineData("0m", 0L)]
    public void TryParse_ValidValue_ReturnsTicks(string text, long ticks)
    {
        Assert.True(GrpcTimeout.TryParse(text, out var timeout));
        Assert.Equal(ticks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("1")]
    [InlineData("123456789S")]
    [InlineData("1s")]
    [InlineData("1 S")]
    [InlineData(" 1S")]
    [InlineData("-1S")]
    [InlineData("1.5S")]
    [InlineData("12aS")]
    [InlineData("10x")]
    [InlineData("１S")]
    public void TryParse_InvalidValue_ReturnsFalse(string text)
    {
        Assert.False(GrpcTimeout.TryParse(text, out _));
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(999_999L)]
    [InlineData(1_000_000L)]
    [InlineData(3_000_000_000L)]
    [InlineData(123_456_789_012L)]
    [InlineData(9_000_000_000_000L)]
    public void Format_RoundTrips_NeverShorter(long ticks)
    {
        var text = GrpcTimeout.Format(TimeSpan.FromTicks(ticks));

        Assert.InRange(text.Length, 2, 9);
        Assert.True(GrpcTimeout.TryParse(text, out var parsed));
        Assert.True(parsed.Ticks >= ticks, $"{text} is shorter than {ticks} ticks");
        Assert.True(parsed.Ticks <= ticks + (ticks / 1000) + 1, $"{text} rounds {ticks} ticks up too far");
    }

    [Fact]
    public void Format_NonPositive_IsSmallestTimeout()
    {
        Assert.Equal("1n", GrpcTimeout.Format(TimeSpan.Zero));
        Assert.Equal("1n", GrpcTimeout.Format(TimeSpan.FromSeconds(-5)));
    }

    [Fact]
    public void Format_Huge_IsCappedAtMaximumHours()
    {
        Assert.Equal("99999999H", GrpcTimeout.Format(TimeSpan.MaxValue));
    }
}
