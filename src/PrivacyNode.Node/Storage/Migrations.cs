using System.Data.Common;

namespace PrivacyNode.Node.Storage;

/// <summary>
/// The schema, as numbered migrations applied in order, each in its own transaction, recorded in
/// <c>schema_migrations</c>. Never edit a shipped migration: add the next one.
/// </summary>
internal static class Migrations
{
    private static readonly (int Version, string Name, string Sql)[] All =
    [
        (1, "peers and users", """
            CREATE TABLE peers (
                name TEXT PRIMARY KEY,
                address TEXT NOT NULL,
                fingerprint {blob} NOT NULL UNIQUE,
                previous_fingerprint {blob} NULL,
                previous_valid_until_ms BIGINT NULL,
                added_at_ms BIGINT NOT NULL,
                added_by TEXT NOT NULL,
                rotated_at_ms BIGINT NULL
            );
            CREATE TABLE users (
                name TEXT PRIMARY KEY,
                role TEXT NOT NULL,
                token_hash {blob} NOT NULL UNIQUE,
                created_at_ms BIGINT NOT NULL,
                created_by TEXT NOT NULL
            );
            """),
        (2, "catalog, access, jobs, audit", """
            CREATE TABLE datasets (
                name TEXT PRIMARY KEY,
                description TEXT NOT NULL,
                source {blob} NOT NULL,
                metadata {blob} NOT NULL,
                sharing TEXT NOT NULL,
                registered_at_ms BIGINT NOT NULL,
                registered_by TEXT NOT NULL
            );
            CREATE TABLE access_requests (
                direction TEXT NOT NULL,
                peer TEXT NOT NULL,
                id TEXT NOT NULL,
                request {blob} NOT NULL,
                state TEXT NOT NULL,
                filed_by TEXT NOT NULL,
                respond_by_ms BIGINT NULL,
                PRIMARY KEY (direction, peer, id)
            );
            CREATE TABLE grants (
                direction TEXT NOT NULL,
                id TEXT NOT NULL,
                peer TEXT NOT NULL,
                dataset TEXT NOT NULL,
                grant_message {blob} NOT NULL,
                state TEXT NOT NULL,
                uses BIGINT NOT NULL,
                PRIMARY KEY (direction, id)
            );
            CREATE TABLE jobs (
                id TEXT PRIMARY KEY,
                job {blob} NOT NULL,
                state TEXT NOT NULL,
                submitted_by TEXT NOT NULL,
                submitted_at_ms BIGINT NOT NULL
            );
            CREATE TABLE job_results (
                job_id TEXT PRIMARY KEY REFERENCES jobs (id),
                result {blob} NOT NULL,
                expires_at_ms BIGINT NOT NULL
            );
            CREATE TABLE audit_records (
                seq BIGINT PRIMARY KEY,
                record {blob} NOT NULL,
                action TEXT NOT NULL,
                job_id TEXT NOT NULL
            );
            CREATE TABLE peer_audit_keys (
                peer TEXT PRIMARY KEY,
                public_key {blob} NOT NULL,
                learned_at_ms BIGINT NOT NULL
            );
            """),
        (3, "user ids", """
            ALTER TABLE users ADD COLUMN id TEXT NULL;
            UPDATE users SET id = 'usr-' || {random_hex};
            ALTER TABLE jobs ADD COLUMN submitted_by_id TEXT NULL;
            UPDATE jobs SET submitted_by_id = (SELECT users.id FROM users WHERE users.name = jobs.submitted_by);
            CREATE INDEX jobs_submitted_by_id ON jobs (submitted_by_id);
            """),
        (4, "result pages", """
            ALTER TABLE job_results ADD COLUMN row_count BIGINT NULL;
            CREATE TABLE job_result_pages (
                job_id TEXT NOT NULL REFERENCES jobs (id),
                page INTEGER NOT NULL,
                rows {blob} NOT NULL,
                PRIMARY KEY (job_id, page)
            );
            """),
        (5, "audit filters", """
            ALTER TABLE audit_records ADD COLUMN time_ms BIGINT NULL;
            ALTER TABLE audit_records ADD COLUMN actor TEXT NULL;
            ALTER TABLE audit_records ADD COLUMN actor_role TEXT NULL;
            ALTER TABLE audit_records ADD COLUMN outcome TEXT NULL;
            ALTER TABLE audit_records ADD COLUMN peer TEXT NULL;
            ALTER TABLE audit_records ADD COLUMN dataset TEXT NULL;
            ALTER TABLE audit_records ADD COLUMN grant_id TEXT NULL;
            ALTER TABLE audit_records ADD COLUMN purpose_code TEXT NULL;
            ALTER TABLE audit_records ADD COLUMN search_text TEXT NULL;
            CREATE INDEX audit_records_action ON audit_records (action, seq);
            CREATE INDEX audit_records_job ON audit_records (job_id, seq);
            CREATE INDEX audit_records_actor ON audit_records (actor, seq);
            CREATE INDEX audit_records_peer ON audit_records (peer, seq);
            CREATE INDEX audit_records_dataset ON audit_records (dataset, seq);
            CREATE INDEX audit_records_grant ON audit_records (grant_id, seq);
            CREATE INDEX audit_records_time ON audit_records (time_ms);
            """),
        (6, "audit text index", "{audit_text_index}"),
        (7, "provided jobs in flight", """
            CREATE TABLE provided_jobs (
                decision_seq BIGINT PRIMARY KEY,
                job_id TEXT NOT NULL,
                peer TEXT NOT NULL,
                grant_id TEXT NOT NULL,
                dataset TEXT NOT NULL,
                purpose_code TEXT NOT NULL
            );
            """),
    ];

    /// <summary>Work a migration's SQL cannot do, run after it in the same transaction.</summary>
    private static readonly Dictionary<int, Func<DbConnection, DbTransaction, CancellationToken, Task>> Backfills = new()
    {
        [5] = AuditIndex.BackfillAsync,
    };

    public static async Task ApplyAsync(NodeDatabase database, CancellationToken cancellationToken)
    {
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL);",
                cancellationToken);
        }

        foreach (var (version, name, sql) in All)
        {
            await database.InTransactionAsync(async (connection, transaction) =>
            {
                var applied = await connection.ScalarAsync("SELECT COUNT(*) FROM schema_migrations WHERE version = @v", cancellationToken, transaction, ("@v", version));
                if (Convert.ToInt64(applied, System.Globalization.CultureInfo.InvariantCulture) > 0)
                {
                    return false;
                }

                await connection.ExecuteAsync(Render(sql, database.Dialect), cancellationToken, transaction);
                if (Backfills.TryGetValue(version, out var backfill))
                {
                    await backfill(connection, transaction, cancellationToken);
                }

                await connection.ExecuteAsync(
                    "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (@v, @n, @t)",
                    cancellationToken, transaction, ("@v", version), ("@n", name), ("@t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
                return true;
            }, cancellationToken);
        }
    }

    /// <summary>The latest schema version.</summary>
    public static int LatestVersion => All[^1].Version;

    private static string Render(string sql, SqlDialect dialect) => sql
        .Replace("{blob}", dialect == SqlDialect.PostgreSql ? "BYTEA" : "BLOB", StringComparison.Ordinal)
        .Replace("{random_hex}", dialect == SqlDialect.PostgreSql ? "md5(random()::text || clock_timestamp()::text || name)" : "lower(hex(randomblob(16)))", StringComparison.Ordinal)
        .Replace("{audit_text_index}", AuditIndex.TextIndexSchema(dialect), StringComparison.Ordinal);
}
