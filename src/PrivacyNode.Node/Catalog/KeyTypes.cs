using System.Text;

namespace PrivacyNode.Node.Catalog;

/// <summary>
/// Canonical forms of join keys, per key type, applied before any key is hashed or compared. Full-width
/// characters are folded to half-width and surrounding white space is trimmed for every type; then:
/// <list type="bullet">
/// <item><c>cn-resident-id</c>: 18 characters, 17 digits and a GB 11643 check character (a lower-case x is upper-cased), with a plausible birth date.</item>
/// <item><c>cn-uscc</c>: an 18-character unified social credit code (GB 32100) with a valid check character; letters upper-cased.</item>
/// <item><c>cn-mobile</c>: spaces, dashes and a +86 / 0086 / 86 country code removed; 11 digits starting with 1.</item>
/// <item><c>date</c>: a calendar date written yyyy-MM-dd, yyyy/M/d, yyyy.M.d, yyyyMMdd or yyyy年M月d日, as yyyy-MM-dd.</item>
/// <item><c>text</c>: inner runs of white space collapsed to one space; otherwise kept as is (case-sensitive); no control characters.</item>
/// </list>
/// A key may also join several columns (see <see cref="KeySpec"/>).
/// </summary>
public static class KeyTypes
{
    public const string ResidentId = "cn-resident-id";
    public const string Uscc = "cn-uscc";
    public const string Mobile = "cn-mobile";
    public const string Date = "date";
    public const string Text = "text";

    /// <summary>The supported key types.</summary>
    public static IReadOnlyList<string> All { get; } = [ResidentId, Uscc, Mobile, Date, Text];

    private static readonly int[] ResidentIdWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string ResidentIdCheck = "10X98765432";
    private const string UsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] UsccWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    public static bool IsKnown(string keyType) => All.Contains(keyType);

    /// <summary>Normalizes <paramref name="raw"/> as <paramref name="keyType"/>; false with a reason when it is not a valid key.</summary>
    public static bool TryNormalize(string keyType, string? raw, out string canonical, out string error)
    {
        canonical = string.Empty;
        var folded = FoldWidth(raw ?? string.Empty).Trim();
        if (folded.Length == 0)
        {
            error = "empty";
            return false;
        }

        switch (keyType)
        {
            case ResidentId:
                return TryResidentId(folded, out canonical, out error);
            case Uscc:
                return TryUscc(folded, out canonical, out error);
            case Mobile:
                return TryMobile(folded, out canonical, out error);
            case Date:
                return TryDate(folded, out canonical, out error);
            case Text:
                return TryText(folded, out canonical, out error);
            default:
                throw new ArgumentException($"Unknown key type '{keyType}'; use one of {string.Join(", ", All)}.", nameof(keyType));
        }
    }

    /// <summary>Full-width forms (U+FF01-U+FF5E) to their ASCII counterparts, and the ideographic space to a space.</summary>
    public static string FoldWidth(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.AsSpan().ContainsAnyInRange('\uFF01', '\uFF5E') && !text.Contains('\u3000', StringComparison.Ordinal))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                '\u3000' => ' ',
                _ => c,
            });
        }

        return builder.ToString();
    }

    private static bool TryResidentId(string text, out string canonical, out string error)
    {
        canonical = string.Empty;
        if (text.Length != 18)
        {
            error = $"a resident ID has 18 characters, not {text.Length}";
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                error = "the first 17 characters of a resident ID are digits";
                return false;
            }

            sum += (text[i] - '0') * ResidentIdWeights[i];
        }

        var check = char.ToUpperInvariant(text[17]);
        if (check != ResidentIdCheck[sum % 11])
        {
            error = "the GB 11643 check character does not match";
            return false;
        }

        var year = int.Parse(text.AsSpan(6, 4), System.Globalization.CultureInfo.InvariantCulture);
        var month = int.Parse(text.AsSpan(10, 2), System.Globalization.CultureInfo.InvariantCulture);
        var day = int.Parse(text.AsSpan(12, 2), System.Globalization.CultureInfo.InvariantCulture);
        if (year < 1850 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            error = "the birth date in the resident ID is not a date";
            return false;
        }

        canonical = string.Concat(text.AsSpan(0, 17), check.ToString());
        error = string.Empty;
        return true;
    }

    private static readonly string[] DateFormats = ["yyyy-M-d", "yyyy/M/d", "yyyy.M.d", "yyyyMMdd", "yyyy年M月d日"];

    /// <summary>Runs of whitespace become one space; the text itself when it has none to collapse (the common case).</summary>
    private static bool TryText(string text, out string canonical, out string error)
    {
        var collapsed = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c))
            {
                canonical = string.Empty;
                error = "a text key has no control characters";
                return false;
            }

            // text is trimmed, so a whitespace character is never first.
            collapsed &= !char.IsWhiteSpace(c) || (c == ' ' && text[i - 1] != ' ');
        }

        canonical = collapsed ? text : string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        error = string.Empty;
        return true;
    }

    private static bool TryDate(string text, out string canonical, out string error)
    {
        if (IsCanonicalDate(text))
        {
            canonical = text;
            error = string.Empty;
            return true;
        }

        if (DateOnly.TryParseExact(text, DateFormats, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date))
        {
            canonical = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            error = string.Empty;
            return true;
        }

        canonical = string.Empty;
        error = "a date is written yyyy-MM-dd, yyyy/M/d, yyyy.M.d, yyyyMMdd or yyyy年M月d日";
        return false;
    }

    /// <summary>Whether <paramref name="text"/> is already a valid date written yyyy-MM-dd, which needs no parsing.</summary>
    private static bool IsCanonicalDate(string text)
    {
        if (text.Length != 10 || text[4] != '-' || text[7] != '-'
            || !int.TryParse(text.AsSpan(0, 4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(text.AsSpan(5, 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var month)
            || !int.TryParse(text.AsSpan(8, 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var day))
        {
            return false;
        }

        return year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);
    }

    private static bool TryUscc(string text, out string canonical, out string error)
    {
        canonical = string.Empty;
        var upper = text.ToUpperInvariant();
        if (upper.Length != 18)
        {
            error = $"a unified social credit code has 18 characters, not {upper.Length}";
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            var value = UsccAlphabet.IndexOf(upper[i], StringComparison.Ordinal);
            if (value < 0)
            {
                error = $"'{upper[i]}' is not allowed in a unified social credit code";
                return false;
            }

            sum += value * UsccWeights[i];
        }

        var expected = UsccAlphabet[(31 - (sum % 31)) % 31];
        if (upper[17] != expected)
        {
            error = "the GB 32100 check character does not match";
            return false;
        }

        canonical = upper;
        error = string.Empty;
        return true;
    }

    private static bool TryMobile(string text, out string canonical, out string error)
    {
        canonical = string.Empty;
        var digits = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
            else if (c is ' ' or '-' || (c == '+' && i == 0))
            {
                continue;
            }
            else
            {
                error = $"'{c}' is not allowed in a mobile number";
                return false;
            }
        }

        var number = digits.ToString();
        if (number.StartsWith("0086", StringComparison.Ordinal))
        {
            number = number[4..];
        }
        else if (number.Length == 13 && number.StartsWith("86", StringComparison.Ordinal))
        {
            number = number[2..];
        }

        if (number.Length != 11 || number[0] != '1')
        {
            error = "a mobile number has 11 digits starting with 1 (after the country code)";
            return false;
        }

        canonical = number;
        error = string.Empty;
        return true;
    }
}
