using Google.Protobuf;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Psi;

namespace PrivacyNode.Node.Kinds.Psi;

/// <summary>
/// The rr22 suite's messages on the wire: each is split into <see cref="PsiVoleData"/> parts of at most 64 KiB, sent in order; the
/// receiver knows each message's size from the job's VOLE parameters and reads parts until it has exactly that many bytes.
/// </summary>
internal static class VoleParts
{
    /// <summary>The largest part: 64 KiB, under the runtime's large-object threshold, so parts come and go without full collections.</summary>
    public const int PartSize = 1 << 16;

    /// <summary>Sends <paramref name="message"/> in parts.</summary>
    public static async Task SendAsync(ReadOnlyMemory<byte> message, Func<PsiVoleData, Task> send)
    {
        for (var offset = 0; offset < message.Length || offset == 0; offset += PartSize)
        {
            await send(new PsiVoleData { Data = ByteString.CopyFrom(message.Span.Slice(offset, Math.Min(PartSize, message.Length - offset))) });
        }
    }

    /// <summary>Reads parts from <paramref name="next"/> until <paramref name="size"/> bytes have come.</summary>
    /// <exception cref="PsiProtocolException">A part that goes past the size, or an empty part before it is reached.</exception>
    public static async Task<byte[]> ReceiveAsync(int size, string what, Func<Task<PsiVoleData>> next)
    {
        var message = new byte[size];
        var offset = 0;
        do
        {
            var part = (await next()).Data;
            if (part.Length > size - offset || (part.Length == 0 && size > 0))
            {
                throw new PsiProtocolException($"The {what} is {size} bytes; a part of {part.Length} bytes arrived after {offset}.");
            }

            part.Span.CopyTo(message.AsSpan(offset));
            offset += part.Length;
        }
        while (offset < size);
        return message;
    }
}
