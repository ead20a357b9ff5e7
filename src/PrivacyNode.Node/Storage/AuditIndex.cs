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

    /// <summary>
    /// Free text shorter than this is matched by reading the search text of every record; longer text goes through
    /// the trigram index where there is one.
    /// </summary>
    public const int ShortestIndexedText = 3;

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

    /// <summary>
    /// A trigram index over the search text (schema migration 6), so that text matching few records is found without
    /// reading the log: on SQLite an FTS5 table with the trigram tokenizer over <c>audit_records</c>, written with each
    /// record. PostgreSQL has none yet: its <c>pg_trgm</c> is an extension that a node's database role may not be
    /// allowed to create, so there free text still reads the search text of every record.
    /// </summary>
    public static string TextIndexSchema(SqlDialect dialect) => dialect == SqlDialect.PostgreSql
        ? "SELECT 1;"
        : """
          CREATE VIRTUAL TABLE audit_text USING fts5(search_text, content='audit_records', content_rowid='seq', tokenize='trigram');
          INSERT INTO audit_text (audit_text) VALUES ('rebuild');
          """;

    /// <summary>The statement that stores a record (parameters <c>@s</c>, <c>@r</c>, <c>@a</c>, <c>@j</c> and <see cref="Values"/>).</summary>
    public static string InsertSql(SqlDialect dialect) =>
        "INSERT INTO audit_records (seq, record, action, job_id, " + Columns + ") VALUES (@s, @r, @a, @j, @i0, @i1, @i2, @i3, @i4, @i5, @i6, @i7, @i8);"
        + (dialect == SqlDialect.Sqlite ? " INSERT INTO audit_text (rowid, search_text) VALUES (@s, @i8);" : "");

    /// <summary>
    /// How to find the records whose search text contains <paramref name="text"/>, ignoring case. Through the trigram
    /// index where the text is long enough for it, walked newest first so that a page stops at its last match.
    /// </summary>
    public static TextSearch TextSearchFor(SqlDialect dialect, string text)
    {
        text = text.ToLowerInvariant();
        if (dialect == SqlDialect.Sqlite && text.Length >= ShortestIndexedText)
        {
            return new TextSearch(
                "audit_text JOIN audit_records ON audit_records.seq = audit_text.rowid", "audit_text.rowid", "audit_text MATCH @text",
                "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"");
        }

        var pattern = "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        return new TextSearch("audit_records", "seq", dialect == SqlDialect.PostgreSql ? "search_text LIKE @text" : "search_text LIKE @text ESCAPE '\\'", pattern);
    }

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

/// <summary>A free-text search: the tables to read, the sequence column to page by, the condition and its <c>@text</c> parameter.</summary>
internal sealed record TextSearch(string From, string Key, string Condition, object Parameter);
