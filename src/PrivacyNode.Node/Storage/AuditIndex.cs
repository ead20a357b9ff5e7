using System.Data.Common;
using System.Globalization;
using System.Text;
using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Node.Storage;

/// <summary>
/// The columns of <c>audit_records</c> that the audit views filter on, beside the signed record they are copied from.
/// They are a convenience for finding records, never evidence: verification reads the records themselves.
/// </summary>
internal static class AuditIndex
{
    private const int BackfillBatch = 1000;

    /// <summary>The indexed columns, in the order of <see cref="Values"/>.</summary>
    public const string Columns = "time_ms, actor, actor_role, outcome, peer, dataset, grant_id, purpose_code, search_text";

    /// <summary>The record's values for <see cref="Columns"/>, as parameters <c>@i0</c>…<c>@i8</c>.</summary>
    public static (string Name, object? Value)[] Values(AuditRecord record) =>
    [
        ("@i0", record.TimeUnixMs),
        ("@i1", record.Actor),
        ("@i2", record.ActorRole),
        ("@i3", record.Outcome),
        ("@i4", record.Peer),
        ("@i5", record.Dataset),
        ("@i6", record.GrantId),
        ("@i7", record.PurposeCode),
        ("@i8", SearchText(record)),
    ];

    /// <summary>What free-text search matches: every named field and detail of the record, lower-cased, one per line.</summary>
    public static string SearchText(AuditRecord record)
    {
        var text = new StringBuilder();
        foreach (var field in (string[])[record.Action, record.Outcome, record.ReasonCode, record.Actor, record.ActorRole, record.Peer, record.Dataset,
                     record.RequestId, record.GrantId, record.JobId, record.PurposeCode])
        {
            if (field.Length > 0)
            {
                text.Append(field).Append('\n');
            }
        }

        foreach (var detail in record.Details)
        {
            text.Append(detail.Key).Append('=').Append(detail.Value).Append('\n');
        }

        return text.ToString().ToLowerInvariant();
    }

    /// <summary>Fills the columns of records written before they existed (schema migration 5), a batch at a time.</summary>
    public static async Task BackfillAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        long after = 0;
        while (true)
        {
            var batch = await connection.QueryAsync(
                $"SELECT record FROM audit_records WHERE seq > @s ORDER BY seq LIMIT {BackfillBatch.ToString(CultureInfo.InvariantCulture)}",
                r => AuditRecord.Parser.ParseFrom((byte[])r.GetValue(0)), cancellationToken, transaction, ("@s", after));
            foreach (var record in batch)
            {
                await connection.ExecuteAsync(
                    "UPDATE audit_records SET (" + Columns + ") = (@i0, @i1, @i2, @i3, @i4, @i5, @i6, @i7, @i8) WHERE seq = @s",
                    cancellationToken, transaction, [.. Values(record), ("@s", (long)record.Seq)]);
            }

            if (batch.Count < BackfillBatch)
            {
                return;
            }

            after = (long)batch[^1].Seq;
        }
    }
}
