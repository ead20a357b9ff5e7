using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using Google.Protobuf;
using PrivacyNode.Rpc.Internal;
using PrivacyNode.Rpc.Tests.Protos;

namespace PrivacyNode.Rpc.Tests.Wire;

public sealed class MessageReaderTests
{
    private static readonly Marshaller<EchoRequest> Marshaller = ProtobufMethod.Marshaller<EchoRequest>();

    [Fact]
    public async Task ReadAsync_FrameSplitAcrossManyReads_Reassembles()
    {
        var pipe = new Pipe();
        var frame = Frame(new EchoRequest { Text = "split me", Payload = ByteString.CopyFrom(new byte[300]) });
        var reader = new MessageReader(pipe.Reader, 1024, null);

        var read = reader.ReadAsync(Marshaller, CancellationToken.None).AsTask();
        foreach (var b in frame)
        {
            await pipe.Writer.WriteAsync(new[] { b });
        }

        var (hasMessage, message) = await read;
        Assert.True(hasMessage);
        Assert.Equal("split me", message!.Text);
    }

    [Fact]
    public async Task ReadAsync_TwoFramesInOneBuffer_ReadsBothThenEnd()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Frame(new EchoRequest { Text = "a" }).Concat(Frame(new EchoRequest { Text = "b" })).ToArray());
        await pipe.Writer.CompleteAsync();
        var reader = new MessageReader(pipe.Reader, 1024, null);

        Assert.Equal("a", (await reader.ReadAsync(Marshaller, default)).Message!.Text);
        Assert.Equal("b", (await reader.ReadAsync(Marshaller, default)).Message!.Text);
        Assert.False((await reader.ReadAsync(Marshaller, default)).HasMessage);
    }

    [Fact]
    public async Task ReadAsync_EmptyMessage_IsAMessage()
    {
        var reader = await ReaderOver(Frame(new EchoRequest()));

        var (hasMessage, message) = await reader.ReadAsync(Marshaller, default);

        Assert.True(hasMessage);
        Assert.Equal(string.Empty, message!.Text);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 0, 10, 1, 2, 3 })]
    public async Task ReadAsync_StreamEndsInsideFrame_IsInternal(byte[] bytes)
    {
        var reader = await ReaderOver(bytes);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await reader.ReadAsync(Marshaller, default));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(255)]
    public async Task ReadAsync_InvalidFlagByte_IsInternal(byte flag)
    {
        var frame = Frame(new EchoRequest { Text = "x" });
        frame[0] = flag;
        var reader = await ReaderOver(frame);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await reader.ReadAsync(Marshaller, default));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task ReadAsync_OversizedHeader_FailsBeforeTheBodyArrives()
    {
        var pipe = new Pipe();
        var header = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), 100_000_000);
        await pipe.Writer.WriteAsync(header);
        var reader = new MessageReader(pipe.Reader, 4 * 1024 * 1024, null);

        // The writer is not completed and no body follows: the limit must be enforced from the header alone.
        var read = reader.ReadAsync(Marshaller, default).AsTask();
        var ex = await Assert.ThrowsAsync<RpcException>(() => read.WaitAsync(TimeSpan.FromSeconds(5)));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task ReadAsync_InvalidProtobuf_IsInternal()
    {
        var reader = await ReaderOver([0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF]);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await reader.ReadAsync(Marshaller, default));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task ReadAsync_CompressedWithoutEncoding_IsInternal()
    {
        var frame = GzipFrame(new EchoRequest { Text = "zipped" }.ToByteArray());
        var reader = await ReaderOver(frame);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await reader.ReadAsync(Marshaller, default));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task ReadAsync_GzipFrame_IsDecoded()
    {
        var reader = await ReaderOver(GzipFrame(new EchoRequest { Text = "zipped" }.ToByteArray()), "gzip");

        Assert.Equal("zipped", (await reader.ReadAsync(Marshaller, default)).Message!.Text);
    }

    [Fact]
    public async Task ReadAsync_GzipBomb_IsResourceExhausted()
    {
        var reader = await ReaderOver(GzipFrame(new byte[8 * 1024 * 1024]), "gzip", maxSize: 1024 * 1024);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await reader.ReadAsync(Marshaller, default));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task ReadAsync_CorruptGzip_IsInternal()
    {
        var reader = await ReaderOver([1, 0, 0, 0, 4, 1, 2, 3, 4], "gzip");

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await reader.ReadAsync(Marshaller, default));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task ReadSingleAsync_TrailingBytes_IsInternal()
    {
        var reader = await ReaderOver([.. Frame(new EchoRequest { Text = "one" }), 0, 0]);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await reader.ReadSingleAsync(Marshaller, "request", default));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task ReadSingleAsync_TwoMessages_IsInternal()
    {
        var reader = await ReaderOver([.. Frame(new EchoRequest()), .. Frame(new EchoRequest())]);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await reader.ReadSingleAsync(Marshaller, "request", default));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task ReadSingleAsync_NoMessage_IsInternal()
    {
        var reader = await ReaderOver([]);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await reader.ReadSingleAsync(Marshaller, "request", default));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    internal static byte[] Frame(IMessage message) => MessageFraming.ToArray((EchoRequest)message, Marshaller, null);

    internal static byte[] GzipFrame(byte[] payload)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(payload);
        }

        var body = compressed.ToArray();
        var frame = new byte[5 + body.Length];
        frame[0] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)body.Length);
        body.CopyTo(frame, 5);
        return frame;
    }

    private static async Task<MessageReader> ReaderOver(byte[] bytes, string? encoding = null, int maxSize = 4 * 1024 * 1024)
    {
        // No back-pressure: the whole input is buffered before reading starts.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        await pipe.Writer.WriteAsync(bytes);
        await pipe.Writer.CompleteAsync();
        return new MessageReader(pipe.Reader, maxSize, encoding);
    }
}
