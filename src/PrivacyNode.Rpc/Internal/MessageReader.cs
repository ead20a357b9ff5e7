using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;

namespace PrivacyNode.Rpc.Internal;

/// <summary>
/// Reads length-prefixed gRPC messages from a pipe. The size limit is checked as soon as the 5-byte
/// header arrives, before the body is buffered. Not thread-safe.
/// </summary>
internal sealed class MessageReader
{
    private readonly PipeReader _reader;
    private readonly int _maxMessageSize;
    private readonly bool _gzip;

    /// <param name="reader">The body to read.</param>
    /// <param name="maxMessageSize">Largest accepted message, after decompression.</param>
    /// <param name="encoding">The <c>grpc-encoding</c> of the stream (must be supported); null means identity.</param>
    public MessageReader(PipeReader reader, int maxMessageSize, string? encoding)
    {
        _reader = reader;
        _maxMessageSize = maxMessageSize;
        _gzip = GrpcProtocol.IsGzip(encoding);
    }

    /// <summary>Reads the next message; <c>HasMessage</c> is false at a clean end of stream.</summary>
    /// <exception cref="RpcException">
    /// <see cref="StatusCode.Internal"/> for a truncated frame, an invalid flag byte or an undecodable message;
    /// <see cref="StatusCode.ResourceExhausted"/> for an oversized message.
    /// </exception>
    public async ValueTask<(bool HasMessage, T? Message)> ReadAsync<T>(Marshaller<T> marshaller, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (TryReadHeader(buffer, out var compressed, out var length))
            {
                if (buffer.Length >= MessageFraming.HeaderSize + length)
                {
                    var payload = buffer.Slice(MessageFraming.HeaderSize, length);
                    T message;
                    try
                    {
                        message = compressed
                            ? marshaller.Deserialize(new ReadOnlySequence<byte>(GzipDecoder.Decompress(payload, _maxMessageSize)))
                            : marshaller.Deserialize(payload);
                    }
                    finally
                    {
                        _reader.AdvanceTo(payload.End);
                    }

                    return (true, message);
                }
            }

            if (result.IsCompleted)
            {
                _reader.AdvanceTo(buffer.End);
                if (buffer.IsEmpty)
                {
                    return (false, default);
                }

                throw new RpcException(StatusCode.Internal, "Incomplete message: the stream ended inside a frame.");
            }

            if (result.IsCanceled)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Reads exactly one message followed by the end of the stream.</summary>
    /// <exception cref="RpcException"><see cref="StatusCode.Internal"/> if there is no message or more than one.</exception>
    public async ValueTask<T> ReadSingleAsync<T>(Marshaller<T> marshaller, string what, CancellationToken cancellationToken)
    {
        var (hasMessage, message) = await ReadAsync(marshaller, cancellationToken);
        if (!hasMessage)
        {
            throw new RpcException(StatusCode.Internal, $"The {what} stream ended without a message.");
        }

        var (extra, _) = await ReadAsync(marshaller, cancellationToken);
        if (extra)
        {
            throw new RpcException(StatusCode.Internal, $"The {what} stream held more than one message.");
        }

        return message!;
    }

    private bool TryReadHeader(ReadOnlySequence<byte> buffer, out bool compressed, out int length)
    {
        compressed = false;
        length = 0;
        if (buffer.Length < MessageFraming.HeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[MessageFraming.HeaderSize];
        buffer.Slice(0, MessageFraming.HeaderSize).CopyTo(header);
        compressed = header[0] switch
        {
            0 => false,
            1 => true,
            _ => throw new RpcException(StatusCode.Internal, $"Invalid frame: compression flag {header[0]} is neither 0 nor 1."),
        };
        if (compressed && !_gzip)
        {
            throw new RpcException(StatusCode.Internal, "Invalid frame: a compressed message arrived but no grpc-encoding was negotiated.");
        }

        var declared = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (declared > (uint)_maxMessageSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted, $"Received message exceeds the maximum configured message size ({declared} > {_maxMessageSize} bytes).");
        }

        length = (int)declared;
        return true;
    }
}
