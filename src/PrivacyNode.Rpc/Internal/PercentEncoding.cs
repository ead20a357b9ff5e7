using System.Text;

namespace PrivacyNode.Rpc.Internal;

/// <summary>
/// The <c>grpc-message</c> encoding: UTF-8 bytes outside printable ASCII, and <c>%</c> itself,
/// are written as <c>%XX</c>. Decoding never fails: malformed input is returned unchanged, as the
/// gRPC spec asks.
/// </summary>
internal static class PercentEncoding
{
    public static string Encode(string text)
    {
        var needs = false;
        foreach (var c in text)
        {
            if (c is < ' ' or > '~' or '%')
            {
                needs = true;
                break;
            }
        }

        if (!needs)
        {
            return text;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        var sb = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (b is < (byte)' ' or > (byte)'~' or (byte)'%')
            {
                sb.Append('%').Append(HexDigit(b >> 4)).Append(HexDigit(b & 0xF));
            }
            else
            {
                sb.Append((char)b);
            }
        }

        return sb.ToString();
    }

    public static string Decode(string text)
    {
        if (!text.Contains('%', StringComparison.Ordinal))
        {
            return text;
        }

        var bytes = new byte[text.Length];
        var n = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c > 0x7F)
            {
                return text;
            }

            if (c == '%')
            {
                if (i + 2 >= text.Length || !TryHex(text[i + 1], out var hi) || !TryHex(text[i + 2], out var lo))
                {
                    return text;
                }

                bytes[n++] = (byte)((hi << 4) | lo);
                i += 2;
            }
            else
            {
                bytes[n++] = (byte)c;
            }
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, n);
        }
        catch (DecoderFallbackException)
        {
            return text;
        }
    }

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);

    private static bool TryHex(char c, out int value)
    {
        value = c switch
        {
            >= '0' and <= '9' => c - '0',
            >= 'A' and <= 'F' => c - 'A' + 10,
            >= 'a' and <= 'f' => c - 'a' + 10,
            _ => -1,
        };
        return value >= 0;
    }
}
