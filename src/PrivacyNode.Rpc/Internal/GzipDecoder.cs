using System.Buffers;
using System.IO.Compression;

namespace PrivacyNode.Rpc.Internal;

/// <summary>Decompresses gzip message payloads with a hard limit on the output size (no zip bombs).</summary>
internal static class GzipDecoder
{
    /// <exception cref="RpcException">
    /// <see cref="StatusCode.ResourceExhausted"/> if the output would exceed <paramref name="maxSize"/>;
    /// <see cref="StatusCode.Internal"/> if the payload is not valid gzip.
    /// </exception>
    public static byte[] Decompress(ReadOnlySequence<byte> payload, int maxSize)
    {
        var input = payload.ToArray();
        using var source = new GZipStream(new MemoryStream(input, writable: false), CompressionMode.Decompress);
        var output = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + read > maxSize)
                {
                    throw new RpcException(StatusCode.ResourceExhausted, $"Decompressed message exceeds the maximum configured message size ({maxSize} bytes).");
                }

                output.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Failed to decompress gzip message."), ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return output.ToArray();
    }
}
