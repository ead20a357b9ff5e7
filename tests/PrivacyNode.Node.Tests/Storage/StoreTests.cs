using Google.Protobuf.WellKnownTypes;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Signatures;
using PrivacyNode.Node.Access;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Catalog;
using PrivacyNode.Node.Jobs;

namespace PrivacyNode.Node.Tests.Storage;

/// <summary>The same store behaviour against embedded SQLite and a real PostgreSQL server.</summary>
public sealed class StoreTests
{
    [Theory]
    [MemberData(nameof(StoreProviders.Both), MemberType = typeof(StoreProviders))]
    public async Task AuditChain_StaysLinearUnderConcurrentAppends(string provider)
    {
        var (database, cleanup) = await StoreProviders.OpenAsync(provider);
        try
        {
            using var key = Ed25519KeyPair.Generate();
            var audit = new AuditLog(database, key, "bureau", TimeProvider.System);
            await Task.WhenAll(Enumerable.Range(0, 40).Select(i => audit.AppendAsync(Actor.System.Does("test.append") with
            {
                Details = new Dictionary<string, string> { ["i"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            }, CancellationToken.None)));

            var records = new List<AuditRecord>();
            await foreach (var record in audit.ReadAsync(1, CancellationToken.None))
            {
                records.Add(record);
            }

            Assert.Equal(Enumerable.Range(1, 40).Select(i => (ulong)i), records.Select(r => r.Seq));
            for (var i = 0; i < records.Count; i++)
            {
                Assert.Equal(AuditFormat.ComputeHash(records[i]), records[i].Hash.ToByteArray());
                Assert.True(Ed25519KeyPair.Verify(key.PublicKey, records[i].Hash.Span, records[i].Signature.Span));
                Assert.Equal(i == 0 ? new byte[32] : records[i - 1].Hash.ToByteArray(), records[i].PrevHash.ToByteArray());
            }
        }
        finally
        {
            await cleanup();
        }
    }

    [Theory]
    [MemberData(nameof(StoreProviders.Both), MemberType = typeof(StoreProviders))]
    public async Task RequestApproveAdmit_CountsUses_AndNothingHalfWritten(string provider)
    {
        var (database, cleanup) = await StoreProviders.OpenAsync(provider);
        try
        {
            using var key = Ed25519KeyPair.Generate();
            var audit = new AuditLog(database, key, "bureau", TimeProvider.System);
            var datasets = new DatasetStore(database, audit);
            var access = new AccessStore(database, audit, TimeProvider.System);
            var admin = new Actor("admin", "admin");
            var dataset = Claims();
            Assert.True(await datasets.SaveAsync(dataset, new DatasetSource { Csv = new CsvSource { Path = "/nonexistent.csv" } }, false, admin, CancellationToken.None));
            Assert.False(await datasets.SaveAsync(dataset, new DatasetSource(), false, admin, CancellationToken.None));

            var terms = RowCountTerms();
            var request = new AccessRequest { Id = "req-1", Peer = "insurer", Terms = terms, State = RequestState.Pending, FiledBy = "li.na", FiledAt = terms.ValidFrom, Direction = Direction.Incoming };
            Assert.NotNull(await access.AddIncomingAsync(request, CancellationToken.None));
            Assert.Null(await access.AddIncomingAsync(request, CancellationToken.None));

            // Granting a column the dataset lacks fails and leaves the request pending, with no grant.
            var bad = new Grant { Id = "grt-bad", Requester = "insurer", Provider = "bureau", Terms = terms.Clone(), MaxUses = 1 };
            bad.Terms.Columns.Add("diagnosis");
            await Assert.ThrowsAsync<AccessException>(() => access.ApproveAsync("insurer", "req-1", bad, null, admin, CancellationToken.None));
            Assert.Empty(await access.ListGrantsAsync(null, CancellationToken.None));
            Assert.Equal(RequestState.Pending, (await access.ListRequestsAsync(Direction.Incoming, null, CancellationToken.None)).Single().State);

            var grant = await access.ApproveAsync("insurer", "req-1", new Grant { Id = "grt-1", Requester = "insurer", Provider = "bureau", Terms = terms, MaxUses = 2 }, null, admin, CancellationToken.None);
            var ask = new JobAsk("insurer", grant.Id, "row-count", "claims", ["id_number"], "count", "fraud-check", 0);
            var receipt = new AuditReceipt { Node = "insurer", Seq = 1 };
            var decisions = new List<Decision>();
            for (var i = 0; i < 3; i++)
            {
                decisions.Add((await access.AdmitAsync(ask, receipt, $"job-{i}", CancellationToken.None)).Decision);
            }

            Assert.True(decisions[0].Allowed && decisions[1].Allowed);
            Assert.Equal(DenyReason.UsesExhausted, decisions[2].Reason);
            Assert.Equal(2, (await access.ListGrantsAsync(Direction.Incoming, CancellationToken.None)).Single().Uses);
            Assert.Equal(RemoveDatasetOutcome.Granted, await datasets.RemoveAsync("claims", admin, CancellationToken.None));
            await access.RevokeAsync(grant.Id, "done", admin, CancellationToken.None);
            Assert.Equal(DenyReason.GrantRevoked, (await access.AdmitAsync(ask, receipt, "job-4", CancellationToken.None)).Decision.Reason);
        }
        finally
        {
            await cleanup();
        }
    }

    /// <summary>Finding 4: admission reads the grant and writes its uses; concurrent admissions must not all take the last use.</summary>
    [Theory]
    [MemberData(nameof(StoreProviders.Both), MemberType = typeof(StoreProviders))]
    public async Task Finding4_ConcurrentAdmissionsAtAOneUseGrant_AdmitExactlyOne(string provider)
    {
        var (database, cleanup) = await StoreProviders.OpenAsync(provider);
        try
        {
            using var key = Ed25519KeyPair.Generate();
            var audit = new AuditLog(database, key, "bureau", TimeProvider.System);
            var access = new AccessStore(database, audit, TimeProvider.System);
            var grant = await GrantAsync(database, audit, access, maxUses: 1);
            var ask = new JobAsk("insurer", grant.Id, "row-count", "claims", ["id_number"], "count", "fraud-check", 0);

            var decisions = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() =>
                access.AdmitAsync(ask, new AuditReceipt { Node = "insurer", Seq = 1 }, $"job-{i}", CancellationToken.None))));

            Assert.Single(decisions, d => d.Decision.Allowed);
            Assert.All(decisions.Where(d => !d.Decision.Allowed), d => Assert.Equal(DenyReason.UsesExhausted, d.Decision.Reason));
            Assert.Equal(1, (await access.ListGrantsAsync(Direction.Incoming, CancellationToken.None)).Single().Uses);
        }
        finally
        {
            await cleanup();
        }
    }

    /// <summary>Finding 4: two concurrent removals of the last two admins must leave one.</summary>
    [Theory]
    [MemberData(nameof(StoreProviders.Both), MemberType = typeof(StoreProviders))]
    public async Task Finding4_ConcurrentRemovalsOfTwoAdmins_LeaveOne(string provider)
    {
        var (database, cleanup) = await StoreProviders.OpenAsync(provider);
        try
        {
            using var key = Ed25519KeyPair.Generate();
            var audit = new AuditLog(database, key, "bureau", TimeProvider.System);
            var users = new PrivacyNode.Node.Users.UserStore(database, audit, TimeProvider.System);
            for (var round = 0; round < 4; round++)
            {
                var names = new[] { $"a{round}", $"b{round}" };
                foreach (var name in names)
                {
                    await users.AddAsync(name, Role.Admin, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), Actor.System, CancellationToken.None);
                }

                foreach (var user in await users.ListAsync(CancellationToken.None))
                {
                    if (!names.Contains(user.Name))
                    {
                        await users.RemoveAsync(user.Name, Actor.System, CancellationToken.None);
                    }
                }

                var outcomes = await Task.WhenAll(names.Select(n => Task.Run(() => users.RemoveAsync(n, Actor.System, CancellationToken.None))));

                Assert.Equal(1, outcomes.Count(o => o == PrivacyNode.Node.Users.RemoveUserOutcome.Removed));
                Assert.Single(await users.ListAsync(CancellationToken.None));
            }
        }
        finally
        {
            await cleanup();
        }
    }

    /// <summary>A 1-request, 1-grant store for row-count on a registered dataset "claims".</summary>
    private static async Task<Grant> GrantAsync(PrivacyNode.Node.Storage.NodeDatabase database, AuditLog audit, AccessStore access, long maxUses)
    {
        var admin = new Actor("admin", "admin");
        await new DatasetStore(database, audit).SaveAsync(Claims(), new DatasetSource { Csv = new CsvSource { Path = "/nonexistent.csv" } }, false, admin, CancellationToken.None);
        var terms = RowCountTerms();
        await access.AddIncomingAsync(new AccessRequest { Id = "req-1", Peer = "insurer", Terms = terms, State = RequestState.Pending, FiledBy = "li.na", FiledAt = terms.ValidFrom, Direction = Direction.Incoming }, CancellationToken.None);
        return await access.ApproveAsync("insurer", "req-1", new Grant { Id = "grt-1", Requester = "insurer", Provider = "bureau", Terms = terms, MaxUses = maxUses }, null, admin, CancellationToken.None);
    }

    private static Dataset Claims()
    {
        var dataset = new Dataset { Name = "claims", Sharing = Sharing.Conditional, RowCount = 3, RegisteredAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) };
        dataset.Columns.Add(new Column { Name = "id_number", Type = "text" });
        return dataset;
    }

    private static AccessTerms RowCountTerms()
    {
        var terms = new AccessTerms
        {
            Dataset = "claims", Purpose = "p", PurposeCode = "fraud-check",
            ValidFrom = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1)),
            ValidTo = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1)),
        };
        terms.Columns.Add("id_number");
        terms.JobKinds.Add("row-count");
        terms.OutputModes.Add("count");
        return terms;
    }

    [Theory]
    [MemberData(nameof(StoreProviders.Both), MemberType = typeof(StoreProviders))]
    public async Task Results_AreStoredInPagesAndReadFromAnyOffset(string provider)
    {
        var (database, cleanup) = await StoreProviders.OpenAsync(provider);
        try
        {
            using var key = Ed25519KeyPair.Generate();
            var (jobs, _, job) = await StoreWithJobAsync(database, key, "psi");
            job.State = JobState.Succeeded;
            job.ResultExpiresAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1));
            var result = new JobResult { JobId = job.Id, Columns = { "row" } };
            result.Rows.Add(Row(0));
            const int total = (2 * JobStore.ResultPageRows) + 5;
            await jobs.TransitionAsync(job, Actor.System.Does("job.succeeded"), CancellationToken.None, result, Enumerable.Range(1, total - 1).Select(Row));

            foreach (var (offset, limit) in new[] { (0, 3), (JobStore.ResultPageRows - 2, 5), (total - 4, 10), (0, JobStore.ResultPageRows), (total, 10), (total + 7, 10) })
            {
                var (page, rows) = (await jobs.GetResultAsync(job.Id, offset, limit, CancellationToken.None))!.Value;
                Assert.Equal(total, rows);
                Assert.Equal(["row"], page.Columns);
                Assert.Equal(Enumerable.Range(offset, Math.Max(0, Math.Min(limit, total - offset))).Select(i => $"{i}"), page.Rows.Select(r => r.Values[0]));
            }

            await jobs.DisposeResultAsync(job.Id, Actor.System, "asked", CancellationToken.None);
            Assert.Null(await jobs.GetResultAsync(job.Id, 0, 10, CancellationToken.None));
            await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
            await using var count = connection.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM job_result_pages";
            Assert.Equal(0L, Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            await cleanup();
        }

        static ResultRow Row(int i) => new() { Values = { $"{i}" } };
    }

    [Theory]
    [MemberData(nameof(StoreProviders.Both), MemberType = typeof(StoreProviders))]
    public async Task Results_StoredBeforePages_AreStillReadInPages(string provider)
    {
        var (database, cleanup) = await StoreProviders.OpenAsync(provider);
        try
        {
            using var key = Ed25519KeyPair.Generate();
            var (jobs, _, job) = await StoreWithJobAsync(database, key, "psi");
            var legacy = new JobResult { JobId = job.Id, Rows = { Enumerable.Range(0, 30).Select(i => new ResultRow { Values = { $"{i}" } }) } };
            await using (var connection = await database.OpenConnectionAsync(CancellationToken.None))
            await using (var insert = connection.CreateCommand())
            {
                insert.CommandText = "INSERT INTO job_results (job_id, result, expires_at_ms) VALUES ('job-1', @r, 0)";
                var parameter = insert.CreateParameter();
                (parameter.ParameterName, parameter.Value) = ("@r", Google.Protobuf.MessageExtensions.ToByteArray(legacy));
                insert.Parameters.Add(parameter);
                await insert.ExecuteNonQueryAsync();
            }

            var (page, total) = (await jobs.GetResultAsync(job.Id, 25, 10, CancellationToken.None))!.Value;

            Assert.Equal(30, total);
            Assert.Equal(["25", "26", "27", "28", "29"], page.Rows.Select(r => r.Values[0]));
        }
        finally
        {
            await cleanup();
        }
    }

    [Theory]
    [MemberData(nameof(StoreProviders.Both), MemberType = typeof(StoreProviders))]
    public async Task Results_AreDisposedWithASignedRecord(string provider)
    {
        var (database, cleanup) = await StoreProviders.OpenAsync(provider);
        try
        {
            using var key = Ed25519KeyPair.Generate();
            var (jobs, audit, job) = await StoreWithJobAsync(database, key, "row-count");
            job.State = JobState.Succeeded;
            job.ResultExpiresAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(-1));
            var result = new JobResult { JobId = job.Id };
            result.Metrics.Add(new ResultMetric { Name = "row_count", Value = 7 });
            await jobs.TransitionAsync(job, Actor.System.Does("job.succeeded"), CancellationToken.None, result);
            Assert.Equal(7, (await jobs.GetResultAsync(job.Id, 0, 10, CancellationToken.None))!.Value.Page.Metrics[0].Value);

            Assert.Equal(["job-1"], await jobs.ExpiredResultsAsync(CancellationToken.None));
            var disposed = await jobs.DisposeResultAsync(job.Id, Actor.System, "retention-expired", CancellationToken.None);
            Assert.True(disposed!.ResultDisposed);
            Assert.Null(await jobs.GetResultAsync(job.Id, 0, 10, CancellationToken.None));
            Assert.Null(await jobs.DisposeResultAsync(job.Id, Actor.System, "again", CancellationToken.None));
            var last = await audit.ReadAsync(1, CancellationToken.None).LastAsync();
            Assert.Equal("result.dispose", last.Action);
            Assert.Contains(last.Details, d => d.Key == "result_sha256");
        }
        finally
        {
            await cleanup();
        }
    }

    /// <summary>A job store (and its audit log) over <paramref name="database"/> holding one pending job, job-1, of <paramref name="kind"/>.</summary>
    private static async Task<(JobStore Jobs, AuditLog Audit, Job Job)> StoreWithJobAsync(PrivacyNode.Node.Storage.NodeDatabase database, Ed25519KeyPair key, string kind)
    {
        var audit = new AuditLog(database, key, "insurer", TimeProvider.System);
        var jobs = new JobStore(database, audit, TimeProvider.System);
        var job = new Job { Id = "job-1", Spec = new JobSpec { Kind = kind, Peer = "bureau" }, State = JobState.Pending, SubmittedBy = "li.na", SubmittedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) };
        await jobs.CreateAsync(job, new Actor("li.na", "analyst"), CancellationToken.None);
        return (jobs, audit, job);
    }
}
