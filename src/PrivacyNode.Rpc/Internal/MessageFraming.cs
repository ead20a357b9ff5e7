using System.Buffers;
using System.Buffers.Binary;

namespace PrivacyNode.Rpc.Internal;

/// <summary>
/// The gRPC length-prefixed message: a flag byte (0 plain, 1 compressed), a big-endian 32-bit length,
/// then the message bytes.
/// </summary>
internal static class MessageFraming
{
    public const int HeaderSize = 5;

    /// <summary>Writes one uncompressed frame for <paramref name="message"/> straight into <paramref name="destination"/>.</summary>
    /// <exception cref="RpcException"><see cref="StatusCode.ResourceExhausted"/> when the message exceeds <paramref name="maxSize"/>.</exception>
    public static void Write<T>(T message, Marshaller<T> marshaller, int? maxSize, IBufferWriter<byte> destination)
    {
        var size = marshaller.GetSize(message);
        if (size > maxSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted, $"Sending message exceeds the maximum configured message size ({size} > {maxSize} bytes).");
        }

        var header = destination.GetSpan(HeaderSize);
        header[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)size);
        destination.Advance(HeaderSize);
        marshaller.Serialize(message, destination);
    }

    /// <summary>Serializes one frame into a new array (client requests, whose bodies are sent as a block).</summary>
    public static byte[] ToArray<T>(T message, Marshaller<T> marshaller, int? maxSize)
    {
        var writer = new ArrayBufferWriter<byte>(256);
        Write(message, marshaller, maxSize, writer);
        return writer.WrittenSpan.ToArray();
    }
}
