using System.Buffers.Binary;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Psi;

namespace PrivacyNode.Node.Kinds.Psi;

/// <summary>
/// A psi-payload row as sealed: a 4-byte big-endian length, the serialized <see cref="PsiPayloadRow"/>, then zero bytes up to the
/// job's common length (the longest row's), so a sealed row's size says nothing about its values.
/// </summary>
public static class PaddedPayload
{
    /// <summary>The plaintext length every row of a job is padded to: the longest of <paramref name="rows"/>, plus the length prefix.</summary>
    public static int CommonLength(IEnumerable<PsiPayloadRow> rows) => sizeof(int) + rows.Select(r => r.CalculateSize()).DefaultIfEmpty(0).Max();

    /// <summary><paramref name="row"/> framed and padded to <paramref name="length"/> bytes.</summary>
    public static byte[] Pad(PsiPayloadRow row, int length)
    {
        ArgumentNullException.ThrowIfNull(row);
        var bytes = new byte[length];
        var size = row.CalculateSize();
        BinaryPrimitives.WriteInt32BigEndian(bytes, size);
        Google.Protobuf.MessageExtensions.WriteTo(row, bytes.AsSpan(sizeof(int), size));
        return bytes;
    }

    /// <summary>The row in an opened payload.</summary>
    /// <exception cref="PsiProtocolException">The framing or the row is malformed.</exception>
    public static PsiPayloadRow Unpad(ReadOnlySpan<byte> padded)
    {
        if (padded.Length < sizeof(int) || BinaryPrimitives.ReadInt32BigEndian(padded) is var size && (size < 0 || size > padded.Length - sizeof(int)))
        {
            throw new PsiProtocolException("A sealed payload's framing is malformed.");
        }

        try
        {
            return PsiPayloadRow.Parser.ParseFrom(padded.Slice(sizeof(int), size));
        }
        catch (Google.Protobuf.InvalidProtocolBufferException ex)
        {
            throw new PsiProtocolException("A sealed payload does not hold a payload row.", ex);
        }
    }
}
