using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Contracts;

/// <summary>
/// The bytes an audit record's hash covers (docs/audit.md): a fixed prefix, then fields 1-17 of
/// <see cref="AuditRecord"/> in field order: integers as 8-byte big-endian, strings and byte strings as a
/// 4-byte big-endian length and the bytes (UTF-8 for strings), details as a count and key/value pairs, the
/// receipt as a presence byte and its four fields. The record's signature is Ed25519 over the hash.
/// </summary>
public static class AuditFormat
{
    /// <summary>Format name written in export headers.</summary>
    public const string ExportFormat = "privacynode-audit/1";

    /// <summary>The JSON of one line of an export file: the header, then one record per line (docs/audit.md).</summary>
    public static string ExportLine(Google.Protobuf.IMessage message) => ExportFormatter.Format(message);

    private static readonly Google.Protobuf.JsonFormatter ExportFormatter = new(Google.Protobuf.JsonFormatter.Settings.Default);

    /// <summary>Size of a record hash.</summary>
    public const int HashSize = 32;

    private static readonly byte[] Prefix = "privacynode-audit-v1\n"u8.ToArray();
    private static readonly byte[] ReceiptPrefix = "privacynode-receipt-v1\n"u8.ToArray();

    /// <summary>The hash of the first record's predecessor.</summary>
    public static ReadOnlySpan<byte> GenesisHash => new byte[HashSize];

    /// <summary>SHA-256 over the canonical encoding of <paramref name="record"/> (its hash and signature excluded).</summary>
    public static byte[] ComputeHash(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var writer = new Writer();
        writer.Bytes(Prefix, withLength: false);
        writer.UInt64(record.Seq);
        writer.UInt64((ulong)record.TimeUnixMs);
        foreach (var text in new[]
                 {
                     record.Node, record.Actor, record.ActorRole, record.Action, record.Outcome, record.ReasonCode, record.Peer,
                     record.Dataset, record.RequestId, record.GrantId, record.JobId, record.PurposeCode,
                 })
        {
            writer.String(text);
        }

        writer.UInt32((uint)record.Details.Count);
        foreach (var detail in record.Details)
        {
            writer.String(detail.Key);
            writer.String(detail.Value);
        }

        if (record.PeerReceipt is { } receipt)
        {
            // 1: a receipt without a subject (logs written before receipts were bound); 2: with subject and its signature.
            var bound = receipt.Subject.Length > 0 || receipt.SubjectSignature.Length > 0;
            writer.Byte(bound ? (byte)2 : (byte)1);
            writer.String(receipt.Node);
            writer.UInt64(receipt.Seq);
            writer.Bytes(receipt.Hash.Span);
            writer.Bytes(receipt.Signature.Span);
            if (bound)
            {
                writer.String(receipt.Subject);
                writer.Bytes(receipt.SubjectSignature.Span);
            }
        }
        else
        {
            writer.Byte(0);
        }

        writer.Bytes(record.PrevHash.Span);
        return SHA256.HashData(writer.ToArray());
    }

    /// <summary>A receipt for <paramref name="record"/> (which must be hashed and signed, its receipt binding too), to hand to a peer.</summary>
    public static AuditReceipt ReceiptOf(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new AuditReceipt
        {
            Node = record.Node, Seq = record.Seq, Hash = record.Hash, Signature = record.Signature,
            Subject = SubjectOf(record), SubjectSignature = record.ReceiptSignature,
        };
    }

    /// <summary>What a record is about, as receipts name it: <c>job:&lt;id&gt;</c>, else <c>request:&lt;id&gt;</c>, else empty.</summary>
    public static string SubjectOf(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.JobId.Length > 0 ? JobSubject(record.JobId) : record.RequestId.Length > 0 ? RequestSubject(record.RequestId) : string.Empty;
    }

    public static string JobSubject(string jobId) => "job:" + jobId;

    public static string RequestSubject(string requestId) => "request:" + requestId;

    /// <summary>
    /// The bytes a record's receipt signature covers: a fixed prefix, then node, seq, hash and subject, encoded as in the hash.
    /// </summary>
    public static byte[] ReceiptBinding(string node, ulong seq, ReadOnlySpan<byte> hash, string subject)
    {
        var writer = new Writer();
        writer.Bytes(ReceiptPrefix, withLength: false);
        writer.String(node);
        writer.UInt64(seq);
        writer.Bytes(hash);
        writer.String(subject);
        return writer.ToArray();
    }

    /// <summary>Details sorted by key, as records carry them.</summary>
    /// <exception cref="ArgumentException">A key repeats.</exception>
    public static IEnumerable<AuditDetail> SortDetails(IEnumerable<KeyValuePair<string, string>> details)
    {
        ArgumentNullException.ThrowIfNull(details);
        var sorted = details.OrderBy(d => d.Key, StringComparer.Ordinal).ToList();
        for (var i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].Key == sorted[i - 1].Key)
            {
                throw new ArgumentException($"Audit detail '{sorted[i].Key}' appears twice.", nameof(details));
            }
        }

        return sorted.Select(d => new AuditDetail { Key = d.Key, Value = d.Value });
    }

    private sealed class Writer
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(512);

        public void Byte(byte value) => _buffer.Write(new[] { value }.AsSpan());

        public void UInt32(uint value)
        {
            Span<byte> buffer = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(buffer, value);
            _buffer.Write(buffer);
        }

        public void UInt64(ulong value)
        {
            Span<byte> buffer = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(buffer, value);
            _buffer.Write(buffer);
        }

        public void String(string value) => Bytes(Encoding.UTF8.GetBytes(value));

        public void Bytes(ReadOnlySpan<byte> value, bool withLength = true)
        {
            if (withLength)
            {
                UInt32((uint)value.Length);
            }

            _buffer.Write(value);
        }

        public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
    }
}
