using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Storage;

namespace PrivacyNode.Node.Jobs;

/// <summary>Jobs and their results at the requester. State changes are audited in the same transaction.</summary>
public sealed class JobStore(NodeDatabase database, AuditLog audit, TimeProvider clock)
{
    /// <summary>Saves a new pending job.</summary>
    public Task CreateAsync(Job job, Actor by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(by);
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(
                "INSERT INTO jobs (id, job, state, submitted_by, submitted_at_ms, submitted_by_id) VALUES (@i, @j, @s, @b, @t, @u)",
                cancellationToken, transaction,
                ("@i", job.Id), ("@j", job.ToByteArray()), ("@s", job.State.ToString()), ("@b", job.SubmittedBy), ("@t", job.SubmittedAt.ToDateTimeOffset().ToUnixTimeMilliseconds()),
                ("@u", job.SubmittedById));
            return await audit.AppendAsync(connection, transaction, Entry(by.Does("job.submit"), job), cancellationToken);
        }, cancellationToken);
    }

    public async Task<Job?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync("SELECT job FROM jobs WHERE id = @i", Read, cancellationToken, null, ("@i", id));
    }

    /// <summary>All jobs, or those of the user with id <paramref name="submittedById"/>, newest first.</summary>
    public async Task<List<Job>> ListAsync(string? submittedById, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return submittedById is null
            ? await connection.QueryAsync("SELECT job FROM jobs ORDER BY submitted_at_ms DESC, id", Read, cancellationToken)
            : await connection.QueryAsync("SELECT job FROM jobs WHERE submitted_by_id = @b ORDER BY submitted_at_ms DESC, id", Read, cancellationToken, null, ("@b", submittedById));
    }

    /// <summary>Jobs in <paramref name="state"/>.</summary>
    public async Task<List<Job>> ListInStateAsync(JobState state, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QueryAsync("SELECT job FROM jobs WHERE state = @s ORDER BY submitted_at_ms", Read, cancellationToken, null, ("@s", state.ToString()));
    }

    /// <summary>Saves progress (not audited).</summary>
    public async Task SaveProgressAsync(Job job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync("UPDATE jobs SET job = @j WHERE id = @i", cancellationToken, ("@i", job.Id), ("@j", job.ToByteArray()));
    }

    /// <summary>Rows per stored page of a result; a page is read whole to serve any of its rows.</summary>
    public const int ResultPageRows = 10_000;

    /// <summary>
    /// Saves a change of state and its audit record together; returns the record. A <paramref name="result"/> is stored with it, its
    /// rows, then <paramref name="rows"/>, in pages of <see cref="ResultPageRows"/>, made and written one page at a time.
    /// </summary>
    public Task<AuditRecord> TransitionAsync(Job job, AuditEntry entry, CancellationToken cancellationToken, JobResult? result = null, IEnumerable<ResultRow>? rows = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(entry);
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync("UPDATE jobs SET job = @j, state = @s WHERE id = @i", cancellationToken, transaction,
                ("@i", job.Id), ("@j", job.ToByteArray()), ("@s", job.State.ToString()));
            if (result is not null)
            {
                var (count, page) = (0L, new JobResult());
                foreach (var row in result.Rows.Concat(rows ?? []))
                {
                    page.Rows.Add(row);
                    if (page.Rows.Count == ResultPageRows)
                    {
                        await WritePageAsync();
                    }
                }

                if (page.Rows.Count > 0)
                {
                    await WritePageAsync();
                }

                var header = new JobResult { JobId = result.JobId, Metrics = { result.Metrics }, Columns = { result.Columns } };
                await connection.ExecuteAsync("INSERT INTO job_results (job_id, result, expires_at_ms, row_count) VALUES (@i, @r, @e, @n)", cancellationToken, transaction,
                    ("@i", job.Id), ("@r", header.ToByteArray()), ("@e", job.ResultExpiresAt.ToDateTimeOffset().ToUnixTimeMilliseconds()), ("@n", count));

                async Task WritePageAsync()
                {
                    await connection.ExecuteAsync("INSERT INTO job_result_pages (job_id, page, rows) VALUES (@i, @p, @r)", cancellationToken, transaction,
                        ("@i", job.Id), ("@p", count / ResultPageRows), ("@r", page.ToByteArray()));
                    count += page.Rows.Count;
                    page.Rows.Clear();
                }
            }

            var record = await audit.AppendAsync(connection, transaction, Entry(entry, job), cancellationToken);
            if (result is not null)
            {
                CrashPoint.Pass("result-written");
            }

            return record;
        }, cancellationToken);
    }

    /// <summary>
    /// A job's result with at most <paramref name="limit"/> of its rows from <paramref name="offset"/> on, and how many rows it has in
    /// all; null if there is none (never stored, or disposed of).
    /// </summary>
    public async Task<(JobResult Page, long TotalRows)?> GetResultAsync(string jobId, long offset, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var stored = await connection.QuerySingleOrDefaultAsync("SELECT result, row_count FROM job_results WHERE job_id = @i",
            r => new StoredResult(JobResult.Parser.ParseFrom((byte[])r.GetValue(0)), r.IsDBNull(1) ? null : r.GetInt64(1)), cancellationToken, null, ("@i", jobId));
        if (stored is null)
        {
            return null;
        }

        var result = stored.Result;
        offset = Math.Max(0, offset);
        if (stored.RowCount is not { } total)
        {
            // Stored before results had pages: the rows are in the result itself.
            var kept = result.Rows.Skip((int)Math.Min(offset, int.MaxValue)).Take(limit).ToList();
            total = result.Rows.Count;
            result.Rows.Clear();
            result.Rows.AddRange(kept);
            return (result, total);
        }

        if (offset < total && limit > 0)
        {
            var (first, last) = (offset / ResultPageRows, (Math.Min(total, offset + limit) - 1) / ResultPageRows);
            var pages = await connection.QueryAsync("SELECT rows FROM job_result_pages WHERE job_id = @i AND page >= @a AND page <= @b ORDER BY page",
                r => JobResult.Parser.ParseFrom((byte[])r.GetValue(0)), cancellationToken, null, ("@i", jobId), ("@a", first), ("@b", last));
            result.Rows.AddRange(pages.SelectMany(p => p.Rows).Skip((int)(offset - (first * ResultPageRows))).Take(limit));
        }

        return (result, total);
    }

    /// <summary>Deletes a job's result and writes the signed disposal record; null if there was no result.</summary>
    public Task<Job?> DisposeResultAsync(string jobId, Actor by, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        return database.InTransactionAsync<Job?>(async (connection, transaction) =>
        {
            var stored = await connection.QuerySingleOrDefaultAsync("SELECT result FROM job_results WHERE job_id = @i", r => (byte[])r.GetValue(0), cancellationToken, transaction, ("@i", jobId));
            var job = await connection.QuerySingleOrDefaultAsync("SELECT job FROM jobs WHERE id = @i", Read, cancellationToken, transaction, ("@i", jobId));
            if (stored is null || job is null)
            {
                return null;
            }

            // The digest of what was stored: the result, then its pages in order.
            using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            digest.AppendData(stored);
            var bytes = (long)stored.Length;
            foreach (var page in await connection.QueryAsync("SELECT rows FROM job_result_pages WHERE job_id = @i ORDER BY page", r => (byte[])r.GetValue(0), cancellationToken, transaction, ("@i", jobId)))
            {
                digest.AppendData(page);
                bytes += page.Length;
            }

            await connection.ExecuteAsync("DELETE FROM job_result_pages WHERE job_id = @i", cancellationToken, transaction, ("@i", jobId));
            await connection.ExecuteAsync("DELETE FROM job_results WHERE job_id = @i", cancellationToken, transaction, ("@i", jobId));
            job.ResultDisposed = true;
            await connection.ExecuteAsync("UPDATE jobs SET job = @j WHERE id = @i", cancellationToken, transaction, ("@i", jobId), ("@j", job.ToByteArray()));
            await audit.AppendAsync(connection, transaction, Entry(by.Does("result.dispose") with
            {
                ReasonCode = reason,
                Details = new Dictionary<string, string>
                {
                    ["result_sha256"] = Convert.ToHexStringLower(digest.GetHashAndReset()),
                    ["result_bytes"] = bytes.ToString(CultureInfo.InvariantCulture),
                },
            }, job), cancellationToken);
            CrashPoint.Pass("result-disposed");
            return job;
        }, cancellationToken);
    }

    /// <summary>Ids of jobs whose results are past their retention.</summary>
    public async Task<List<string>> ExpiredResultsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QueryAsync("SELECT job_id FROM job_results WHERE expires_at_ms <= @n ORDER BY job_id", r => r.GetString(0), cancellationToken, null,
            ("@n", clock.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    /// <summary>Stamps the job's identifiers on an audit entry.</summary>
    private static AuditEntry Entry(AuditEntry entry, Job job) => entry with
    {
        JobId = job.Id,
        Peer = job.Spec.Peer,
        Dataset = job.Spec.Dataset,
        GrantId = job.Spec.GrantId,
        PurposeCode = job.Spec.PurposeCode,
        Details = entry.Details.Count > 0 ? entry.Details : new Dictionary<string, string> { ["kind"] = job.Spec.Kind, ["state"] = job.State.ToString() },
    };

    /// <summary>A result as stored: without its rows, unless it was stored before results had pages (<paramref name="RowCount"/> null).</summary>
    private sealed record StoredResult(JobResult Result, long? RowCount);

    private static Job Read(DbDataReader reader) => Job.Parser.ParseFrom((byte[])reader.GetValue(0));
}
