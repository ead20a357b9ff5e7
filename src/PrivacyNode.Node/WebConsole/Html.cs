using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace PrivacyNode.Node.WebConsole;

/// <summary>
/// Markup that is safe to send: written only by <see cref="Of"/>, whose interpolation holes are HTML-encoded unless they are
/// themselves <see cref="Html"/>. Page code never concatenates strings into markup.
/// </summary>
public readonly record struct Html(string Value)
{
    /// <summary>Encodes text for element content and quoted attribute values; Chinese stays as it is.</summary>
    internal static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static Html Empty { get; } = new(string.Empty);

    /// <summary>The markup of an interpolated string, its holes encoded.</summary>
    public static Html Of(ref HtmlBuilder builder) => builder.Build();

    /// <summary>Markup when <paramref name="condition"/> holds, else nothing.</summary>
    public static Html If(bool condition, ref HtmlBuilder builder) => condition ? builder.Build() : Empty;

    /// <summary>The markup of each item, one after the other.</summary>
    public static Html Join<T>(IEnumerable<T> items, Func<T, Html> render)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(render);
        var text = new StringBuilder();
        foreach (var item in items)
        {
            text.Append(render(item).Value);
        }

        return new Html(text.ToString());
    }

    public override string ToString() => Value;
}

/// <summary>Builds <see cref="Html"/> from an interpolated string: literals as written, holes encoded (invariant culture).</summary>
[InterpolatedStringHandler]
public ref struct HtmlBuilder
{
    private readonly StringBuilder _text;

    public HtmlBuilder(int literalLength, int formattedCount)
    {
        _text = new StringBuilder(literalLength + (formattedCount * 16));
    }

    public readonly void AppendLiteral(string value) => _text.Append(value);

    public readonly void AppendFormatted(Html value) => _text.Append(value.Value);

    public readonly void AppendFormatted(string? value) => _text.Append(Html.Encoder.Encode(value ?? string.Empty));

    public readonly void AppendFormatted<T>(T value) =>
        _text.Append(Html.Encoder.Encode(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty));

    internal readonly Html Build() => new(_text.ToString());
}
