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

    /// <summary>Saves a change of state and its audit record together; returns the record.</summary>
    public Task<AuditRecord> TransitionAsync(Job job, AuditEntry entry, CancellationToken cancellationToken, JobResult? result = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(entry);
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync("UPDATE jobs SET job = @j, state = @s WHERE id = @i", cancellationToken, transaction,
                ("@i", job.Id), ("@j", job.ToByteArray()), ("@s", job.State.ToString()));
            if (result is not null)
            {
                await connection.ExecuteAsync("INSERT INTO job_results (job_id, result, expires_at_ms) VALUES (@i, @r, @e)", cancellationToken, transaction,
                    ("@i", job.Id), ("@r", result.ToByteArray()), ("@e", job.ResultExpiresAt.ToDateTimeOffset().ToUnixTimeMilliseconds()));
            }

            return await audit.AppendAsync(connection, transaction, Entry(entry, job), cancellationToken);
        }, cancellationToken);
    }

    public async Task<JobResult?> GetResultAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync("SELECT result FROM job_results WHERE job_id = @i", r => JobResult.Parser.ParseFrom((byte[])r.GetValue(0)), cancellationToken, null, ("@i", jobId));
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

            await connection.ExecuteAsync("DELETE FROM job_results WHERE job_id = @i", cancellationToken, transaction, ("@i", jobId));
            job.ResultDisposed = true;
            await connection.ExecuteAsync("UPDATE jobs SET job = @j WHERE id = @i", cancellationToken, transaction, ("@i", jobId), ("@j", job.ToByteArray()));
            await audit.AppendAsync(connection, transaction, Entry(by.Does("result.dispose") with
            {
                ReasonCode = reason,
                Details = new Dictionary<string, string>
                {
                    ["result_sha256"] = Convert.ToHexStringLower(SHA256.HashData(stored)),
                    ["result_bytes"] = stored.Length.ToString(CultureInfo.InvariantCulture),
                },
            }, job), cancellationToken);
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

    private static Job Read(DbDataReader reader) => Job.Parser.ParseFrom((byte[])reader.GetValue(0));
}
