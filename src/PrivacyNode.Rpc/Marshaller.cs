using System.Buffers;

namespace PrivacyNode.Rpc;

/// <summary>
/// Turns messages of type <typeparamref name="T"/> into bytes and back. <see cref="GetSize"/> must
/// return exactly the number of bytes <see cref="Serialize"/> writes: the frame header is written first.
/// </summary>
/// <remarks>Thread-safe if the delegates are.</remarks>
public sealed class Marshaller<T>
{
    private readonly Func<T, int> _getSize;
    private readonly Action<T, IBufferWriter<byte>> _serialize;
    private readonly Func<ReadOnlySequence<byte>, T> _deserialize;

    /// <summary>Creates a marshaller from its three operations.</summary>
    public Marshaller(Func<T, int> getSize, Action<T, IBufferWriter<byte>> serialize, Func<ReadOnlySequence<byte>, T> deserialize)
    {
        _getSize = getSize ?? throw new ArgumentNullException(nameof(getSize));
        _serialize = serialize ?? throw new ArgumentNullException(nameof(serialize));
        _deserialize = deserialize ?? throw new ArgumentNullException(nameof(deserialize));
    }

    /// <summary>The serialized size of <paramref name="message"/> in bytes.</summary>
    public int GetSize(T message) => _getSize(message);

    /// <summary>Writes <paramref name="message"/> to <paramref name="destination"/>.</summary>
    public void Serialize(T message, IBufferWriter<byte> destination) => _serialize(message, destination);

    /// <summary>Parses one message.</summary>
    /// <exception cref="RpcException">With <see cref="StatusCode.Internal"/> when the bytes are not a valid message.</exception>
    public T Deserialize(ReadOnlySequence<byte> payload)
    {
        try
        {
            return _deserialize(payload);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Failed to deserialize message."), ex);
        }
    }
}
