using System.Data.Common;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Signatures;
using PrivacyNode.Node.Storage;

namespace PrivacyNode.Node.Audit;

/// <summary>
/// The node's append-only audit log. Each record carries the hash of the previous one and an Ed25519
/// signature over its own hash. Records are appended inside the transaction of the change they describe,
/// so a change and its record commit together or not at all.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class AuditLog(NodeDatabase database, Ed25519KeyPair key, string nodeName, TimeProvider clock)
{
    private const int ExportBatch = 256;

    /// <summary>The node's audit public key.</summary>
    public byte[] PublicKey { get; } = key.PublicKey;

    /// <summary>
    /// Signs a statement this node makes to peers, with the audit key: Ed25519 over <paramref name="statement"/>, which must start with
    /// a domain prefix of its own (never the record-hash or receipt encodings).
    /// </summary>
    public byte[] SignStatement(ReadOnlySpan<byte> statement) => key.Sign(statement);

    /// <summary>Appends a record within <paramref name="transaction"/> and returns it, hashed and signed.</summary>
    public async Task<AuditRecord> AppendAsync(DbConnection connection, DbTransaction transaction, AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(entry);
        await database.LockAuditChainAsync(connection, transaction, cancellationToken);
        var last = await connection.QuerySingleOrDefaultAsync(
            "SELECT record FROM audit_records ORDER BY seq DESC LIMIT 1", r => AuditRecord.Parser.ParseFrom((byte[])r.GetValue(0)), cancellationToken, transaction);
        var record = new AuditRecord
        {
            Seq = (last?.Seq ?? 0) + 1,
            TimeUnixMs = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            Node = nodeName,
            Actor = entry.Actor,
            ActorRole = entry.ActorRole,
            Action = entry.Action,
            Outcome = entry.Outcome,
            ReasonCode = entry.ReasonCode,
            Peer = entry.Peer,
            Dataset = entry.Dataset,
            RequestId = entry.RequestId,
            GrantId = entry.GrantId,
            JobId = entry.JobId,
            PurposeCode = entry.PurposeCode,
            PeerReceipt = entry.PeerReceipt,
            PrevHash = last is null ? ByteString.CopyFrom(AuditFormat.GenesisHash) : last.Hash,
        };
        record.Details.AddRange(AuditFormat.SortDetails(entry.Details));
        var hash = AuditFormat.ComputeHash(record);
        record.Hash = ByteString.CopyFrom(hash);
        record.Signature = ByteString.CopyFrom(key.Sign(hash));
        record.ReceiptSignature = ByteString.CopyFrom(key.Sign(AuditFormat.ReceiptBinding(record.Node, record.Seq, hash, AuditFormat.SubjectOf(record))));
        await connection.ExecuteAsync(
            AuditIndex.InsertSql(database.Dialect),
            cancellationToken, transaction,
            [("@s", (long)record.Seq), ("@r", record.ToByteArray()), ("@a", record.Action), ("@j", record.JobId), .. AuditIndex.Values(record)]);
        return record;
    }

    /// <summary>Appends a record in its own transaction.</summary>
    public Task<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken) =>
        database.InTransactionAsync((connection, transaction) => AppendAsync(connection, transaction, entry, cancellationToken), cancellationToken);

    /// <summary>The records from <paramref name="fromSeq"/> on, in order, read in batches.</summary>
    public async IAsyncEnumerable<AuditRecord> ReadAsync(ulong fromSeq, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = (long)Math.Max(fromSeq, 1);
        while (true)
        {
            List<AuditRecord> batch;
            await using (var connection = await database.OpenConnectionAsync(cancellationToken))
            {
                batch = await connection.QueryAsync(
                    $"SELECT record FROM audit_records WHERE seq >= @s ORDER BY seq LIMIT {ExportBatch}",
                    r => AuditRecord.Parser.ParseFrom((byte[])r.GetValue(0)), cancellationToken, null, ("@s", next));
            }

            foreach (var record in batch)
            {
                yield return record;
            }

            if (batch.Count < ExportBatch)
            {
                yield break;
            }

            next = (long)batch[^1].Seq + 1;
        }
    }
}
