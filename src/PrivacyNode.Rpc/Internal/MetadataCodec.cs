using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;

namespace PrivacyNode.Rpc.Internal;

/// <summary>
/// Converts between HTTP/2 header fields and <see cref="Metadata"/>. Protocol headers (pseudo-headers,
/// <c>grpc-*</c>, content-type, te, host, content-length) are not metadata and are skipped.
/// </summary>
internal static class MetadataCodec
{
    public static bool IsReserved(string key) =>
        key.StartsWith(':')
        || key.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase)
        || string.Equals(key, "content-type", StringComparison.OrdinalIgnoreCase)
        || string.Equals(key, "te", StringComparison.OrdinalIgnoreCase)
        || string.Equals(key, "host", StringComparison.OrdinalIgnoreCase)
        || string.Equals(key, "content-length", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads metadata from server request headers.</summary>
    /// <exception cref="RpcException">A <c>-bin</c> value is not base64 (<see cref="StatusCode.Internal"/>).</exception>
    public static Metadata FromHeaders(IHeaderDictionary headers)
    {
        var metadata = new Metadata();
        foreach (var (key, values) in headers)
        {
            foreach (var value in values)
            {
                AddEntry(metadata, key, value ?? string.Empty);
            }
        }

        return metadata;
    }

    /// <summary>Reads metadata from client response headers or trailers.</summary>
    public static Metadata FromHeaders(HttpHeaders headers, Metadata? into = null)
    {
        var metadata = into ?? new Metadata();
        foreach (var (key, values) in headers.NonValidated)
        {
            foreach (var value in values)
            {
                AddEntry(metadata, key, value);
            }
        }

        return metadata;
    }

    /// <summary>Writes <paramref name="metadata"/> into server response headers or trailers.</summary>
    public static void Write(Metadata metadata, Action<string, string> append)
    {
        foreach (var entry in metadata)
        {
            append(entry.Key, entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value);
        }
    }

    /// <summary>Decodes base64 with or without padding; false if it is not base64.</summary>
    public static bool TryDecodeBase64(string text, out byte[] bytes)
    {
        var trimmed = text.Trim();
        var padded = (trimmed.Length % 4) switch
        {
            2 => trimmed + "==",
            3 => trimmed + "=",
            _ => trimmed,
        };
        var buffer = new byte[(padded.Length / 4 * 3) + 3];
        if (Convert.TryFromBase64String(padded, buffer, out var written))
        {
            bytes = buffer.AsSpan(0, written).ToArray();
            return true;
        }

        bytes = [];
        return false;
    }

    private static void AddEntry(Metadata metadata, string key, string value)
    {
        if (IsReserved(key) || !MetadataEntry.IsValidKey(key))
        {
            return;
        }

        if (key.EndsWith(Metadata.BinarySuffix, StringComparison.OrdinalIgnoreCase))
        {
            // Several binary values may arrive in one field, separated by commas.
            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!TryDecodeBase64(part, out var bytes))
                {
                    throw new RpcException(StatusCode.Internal, $"Metadata '{key}' is not valid base64.");
                }

                metadata.Add(new MetadataEntry(key, bytes));
            }
        }
        else if (IsPrintableAscii(value))
        {
            metadata.Add(new MetadataEntry(key, value));
        }
    }

    private static bool IsPrintableAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
