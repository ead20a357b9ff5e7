namespace PrivacyNode.Rpc.Internal;

/// <summary>Names and values of the gRPC-over-HTTP/2 protocol (PROTOCOL-HTTP2.md).</summary>
internal static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string TeHeader = "te";
    public const string TeTrailers = "trailers";
    public const string IdentityEncoding = "identity";
    public const string GzipEncoding = "gzip";

    /// <summary>What this implementation decodes; it never compresses what it sends.</summary>
    public const string SupportedEncodings = "identity,gzip";

    /// <summary>Default limit on a received message, as in other gRPC implementations.</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>Whether <paramref name="contentType"/> is <c>application/grpc</c> or <c>application/grpc+subtype</c>.</summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (contentType.Length == ContentType.Length)
        {
            return true;
        }

        var next = contentType[ContentType.Length];
        return next is '+' or ';';
    }

    /// <summary>Whether messages in <paramref name="encoding"/> can be decoded here (null means identity).</summary>
    public static bool IsSupportedEncoding(string? encoding) =>
        encoding is null
        || string.Equals(encoding, IdentityEncoding, StringComparison.OrdinalIgnoreCase)
        || string.Equals(encoding, GzipEncoding, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="encoding"/> (already known to be supported) is gzip.</summary>
    public static bool IsGzip(string? encoding) => string.Equals(encoding, GzipEncoding, StringComparison.OrdinalIgnoreCase);
}
