using System.Globalization;
using System.Numerics;

namespace PrivacyNode.Node.Jobs;

/// <summary>
/// A psi-sum or he-aggregate value column's declared range, [Low, High] in units of 10^−Scale: decimals with a fixed number of
/// places, held exactly as 64-bit integers. The scale is the larger number of decimals written in the bounds.
/// </summary>
public sealed record ValueRange(long Low, long High, int Scale)
{
    private const int MaxScale = 18;

    /// <summary>Parses the bounds ("0.00", "1000000.00"); false with a reason when they are not decimals or out of order.</summary>
    public static bool TryParse(string? min, string? max, out ValueRange range, out string error)
    {
        range = new ValueRange(0, 0, 0);
        if (string.IsNullOrWhiteSpace(min) || string.IsNullOrWhiteSpace(max))
        {
            error = "A psi-sum or he-aggregate job declares the value column's range (--value-range min:max, for example 0.00:1000000.00).";
            return false;
        }

        var scale = Math.Max(Decimals(min), Decimals(max));
        if (scale > MaxScale || !TryScale(min, scale, out var low) || !TryScale(max, scale, out var high))
        {
            error = $"The value range '{min}:{max}' is not two decimals of at most {MaxScale} places that fit 64 bits once scaled.";
            return false;
        }

        if (high < low)
        {
            error = $"The value range '{min}:{max}' is empty: its minimum is above its maximum.";
            return false;
        }

        range = new ValueRange(low, high, scale);
        error = string.Empty;
        return true;
    }

    /// <summary><paramref name="text"/> in units of 10^−Scale, if it is a decimal of at most Scale places within the range.</summary>
    public bool TryRead(string? text, out long value) =>
        TryScale(text, Scale, out value) && value >= Low && value <= High;

    /// <summary>A scaled sum as a decimal with Scale places ("12345.60").</summary>
    public string Format(Int128 scaled)
    {
        var digits = BigInteger.Abs((BigInteger)scaled).ToString(CultureInfo.InvariantCulture).PadLeft(Scale + 1, '0');
        var sign = scaled < 0 ? "-" : string.Empty;
        return Scale == 0 ? sign + digits : $"{sign}{digits[..^Scale]}.{digits[^Scale..]}";
    }

    private static int Decimals(string text)
    {
        var trimmed = text.Trim();
        var point = trimmed.IndexOf('.', StringComparison.Ordinal);
        return point < 0 ? 0 : trimmed.Length - point - 1;
    }

    /// <summary>[+-]digits[.digits] with at most <paramref name="scale"/> decimals, times 10^scale, within 64 bits. Allocates nothing.</summary>
    private static bool TryScale(string? text, int scale, out long value)
    {
        value = 0;
        var s = text.AsSpan().Trim();
        var negative = s.StartsWith('-');
        if (negative || s.StartsWith('+'))
        {
            s = s[1..];
        }

        var point = s.IndexOf('.');
        var whole = point < 0 ? s : s[..point];
        var fraction = point < 0 ? [] : s[(point + 1)..];
        if (whole.Length == 0 || (point >= 0 && (fraction.Length == 0 || fraction.Length > scale)))
        {
            return false;
        }

        // |value| ≤ 2^63 keeps every step below 2^67: no overflow in 128 bits.
        const ulong limit = 1UL << 63;
        UInt128 magnitude = 0;
        for (var i = 0; i < whole.Length + scale; i++)
        {
            var c = i < whole.Length ? whole[i] : i - whole.Length < fraction.Length ? fraction[i - whole.Length] : '0';
            if (!char.IsAsciiDigit(c) || (magnitude = (magnitude * 10) + (uint)(c - '0')) > limit)
            {
                return false;
            }
        }

        if (!negative && magnitude == limit)
        {
            return false;
        }

        value = negative ? (long)(0UL - (ulong)magnitude) : (long)magnitude;
        return true;
    }
}
