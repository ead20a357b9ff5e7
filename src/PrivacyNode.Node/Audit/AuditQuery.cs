using System.Globalization;
using System.Text;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Storage;

namespace PrivacyNode.Node.Audit;

/// <summary>
/// What the audit views filter on. Every set field must match exactly; <see cref="Text"/> matches any part of any
/// field or detail, ignoring case; the time range is [<see cref="FromMs"/>, <see cref="ToMs"/>).
/// </summary>
public sealed record AuditFilter
{
    public string? Action { get; init; }

    public string? Outcome { get; init; }

    public string? Actor { get; init; }

    public string? ActorRole { get; init; }

    public string? Peer { get; init; }

    public string? Dataset { get; init; }

    public string? JobId { get; init; }

    public string? GrantId { get; init; }

    public string? PurposeCode { get; init; }

    public long? FromMs { get; init; }

    public long? ToMs { get; init; }

    public string? Text { get; init; }
}

/// <summary>One page of records, newest first, and the cursor of the next older page (null after the oldest).</summary>
public sealed record AuditPage(IReadOnlyList<AuditRecord> Records, ulong? Before);

/// <summary>
/// Reads the audit log newest first, filtered and keyset-paged: a page is the records older than a cursor (a sequence
/// number), so a page costs the same however deep it is, and records appended meanwhile never shift a page.
/// </summary>
public sealed class AuditQuery(NodeDatabase database)
{
    /// <summary>The most records one page holds.</summary>
    public const int MaxPageSize = 500;

    /// <summary>Up to <paramref name="pageSize"/> records matching <paramref name="filter"/> with a sequence number below <paramref name="before"/> (all if null).</summary>
    public async Task<AuditPage> PageAsync(AuditFilter filter, ulong? before, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        var text = string.IsNullOrEmpty(filter.Text) ? null : AuditIndex.TextSearchFor(database.Dialect, filter.Text);
        var key = text?.Key ?? "seq";
        var where = new StringBuilder(key).Append(" < @before");
        var parameters = new List<(string Name, object? Value)> { ("@before", before is { } b ? (long)Math.Min(b, long.MaxValue) : long.MaxValue) };
        Equal("action", filter.Action);
        Equal("outcome", filter.Outcome);
        Equal("actor", filter.Actor);
        Equal("actor_role", filter.ActorRole);
        Equal("peer", filter.Peer);
        Equal("dataset", filter.Dataset);
        Equal("job_id", filter.JobId);
        Equal("grant_id", filter.GrantId);
        Equal("purpose_code", filter.PurposeCode);
        Compare("time_ms >=", filter.FromMs);
        Compare("time_ms <", filter.ToMs);
        if (text is not null)
        {
            where.Append(" AND ").Append(text.Condition);
            parameters.Add(("@text", text.Parameter));
        }

        // One more than a page says whether an older page exists.
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var records = await connection.QueryAsync(
            $"SELECT audit_records.record FROM {text?.From ?? "audit_records"} WHERE {where} ORDER BY {key} DESC LIMIT {(pageSize + 1).ToString(CultureInfo.InvariantCulture)}",
            r => AuditRecord.Parser.ParseFrom((byte[])r.GetValue(0)), cancellationToken, null, [.. parameters]);
        return records.Count > pageSize
            ? new AuditPage(records[..pageSize], records[pageSize - 1].Seq)
            : new AuditPage(records, null);

        void Equal(string column, string? value)
        {
            if (value is not null)
            {
                var name = "@p" + parameters.Count.ToString(CultureInfo.InvariantCulture);
                where.Append(" AND ").Append(column).Append(" = ").Append(name);
                parameters.Add((name, value));
            }
        }

        void Compare(string condition, long? value)
        {
            if (value is not null)
            {
                var name = "@p" + parameters.Count.ToString(CultureInfo.InvariantCulture);
                where.Append(" AND ").Append(condition).Append(' ').Append(name);
                parameters.Add((name, value.Value));
            }
        }
    }

    /// <summary>The record numbered <paramref name="seq"/>, or null.</summary>
    public async Task<AuditRecord?> GetAsync(ulong seq, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync("SELECT record FROM audit_records WHERE seq = @s",
            r => AuditRecord.Parser.ParseFrom((byte[])r.GetValue(0)), cancellationToken, null, ("@s", (long)Math.Min(seq, long.MaxValue)));
    }

    /// <summary>The number of the newest record (0 for an empty log).</summary>
    public async Task<ulong> LastSeqAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return Convert.ToUInt64(await connection.ScalarAsync("SELECT COALESCE(MAX(seq), 0) FROM audit_records", cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The jobs and refusals since <paramref name="fromMs"/>, oldest first: jobs this node started (<c>job.start</c>) or served to a
    /// peer (<c>job.provide</c>, completed), and every record whose outcome is a denial.
    /// </summary>
    public async Task<List<AuditActivity>> ActivityAsync(long fromMs, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QueryAsync(
            """
            SELECT time_ms, action, outcome, peer, dataset, actor, actor_role FROM audit_records
            WHERE time_ms >= @from AND ((action IN ('job.start', 'job.provide') AND outcome = 'ok') OR outcome IN ('deny', 'denied'))
            ORDER BY time_ms
            """,
            r => new AuditActivity(r.GetInt64(0), r.GetString(1), r.GetString(2) != "ok", PeerOf(r.GetString(3), r.GetString(5), r.GetString(6)), r.GetString(4)),
            cancellationToken, null, ("@from", fromMs));
    }

    /// <summary>The peer a record is about: its peer field, else the peer that acted (records of a peer's calls name it as the actor).</summary>
    private static string PeerOf(string peer, string actor, string role)
    {
        const string prefix = "peer:";
        return peer.Length > 0 ? peer : role == "peer" && actor.StartsWith(prefix, StringComparison.Ordinal) ? actor[prefix.Length..] : string.Empty;
    }
}

/// <summary>One job or refusal in the log: when, which action, whether it was a refusal, with which peer and dataset (may be empty).</summary>
public sealed record AuditActivity(long TimeMs, string Action, bool Refused, string Peer, string Dataset);
