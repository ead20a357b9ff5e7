using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Signatures;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Storage;

namespace PrivacyNode.Node.Tests.Storage;

/// <summary>
/// The audit views' query against a model over the same records: every filter alone and combined, free text without
/// regard to case or wildcards (through the trigram index and without it), and keyset pages of several sizes that
/// together give each match once, newest first.
/// </summary>
public sealed class AuditQueryTests
{
    private static readonly string[] Actions = ["job.submit", "job.succeeded", "policy.decision", "dataset.add"];
    private static readonly string[] Actors = ["li.na", "peer:insurer", "system"];
    private static readonly string[] Peers = ["", "insurer", "operator"];

    [Theory]
    [MemberData(nameof(StoreProviders.Both), MemberType = typeof(StoreProviders))]
    public async Task Filters_AndKeysetPages_MatchAModel(string provider)
    {
        var (database, cleanup) = await StoreProviders.OpenAsync(provider);
        try
        {
            var records = await AppendAsync(database, 150);

            foreach (var (filter, matches) in Filters(records))
            {
                var expected = records.Where(matches).OrderByDescending(r => r.Seq).Select(r => r.Seq).ToList();
                foreach (var pageSize in (int[])[1, 7, AuditQuery.MaxPageSize])
                {
                    Assert.Equal(expected, await AllPagesAsync(new AuditQuery(database), filter, pageSize));
                }
            }
        }
        finally
        {
            await cleanup();
        }
    }

    [Theory]
    [MemberData(nameof(StoreProviders.Both), MemberType = typeof(StoreProviders))]
    public async Task RecordsFromBeforeTheFilterColumns_AreBackfilled(string provider)
    {
        var (database, cleanup) = await StoreProviders.OpenAsync(provider);
        try
        {
            var records = await AppendAsync(database, 1030);
            await database.InTransactionAsync(async (connection, transaction) =>
            {
                await connection.ExecuteAsync(
                    "UPDATE audit_records SET (" + AuditIndex.Columns + ") = (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
                    CancellationToken.None, transaction);
                await AuditIndex.BackfillAsync(connection, transaction, CancellationToken.None);
                return true;
            }, CancellationToken.None);

            var filter = new AuditFilter { Actor = "li.na", Text = "ROWS=1" };
            Assert.Equal(
                records.Where(r => r.Actor == "li.na" && AuditIndex.SearchText(r).Contains("rows=1", StringComparison.Ordinal)).Select(r => r.Seq).Reverse(),
                await AllPagesAsync(new AuditQuery(database), filter, 100));
        }
        finally
        {
            await cleanup();
        }
    }

    [Fact]
    public async Task APageSizeOutOfRange_IsRefused()
    {
        var (database, cleanup) = await StoreProviders.OpenAsync("sqlite");
        try
        {
            var query = new AuditQuery(database);
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => query.PageAsync(new AuditFilter(), null, 0, CancellationToken.None));
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => query.PageAsync(new AuditFilter(), null, AuditQuery.MaxPageSize + 1, CancellationToken.None));
        }
        finally
        {
            await cleanup();
        }
    }

    private static IEnumerable<(AuditFilter Filter, Func<AuditRecord, bool> Matches)> Filters(List<AuditRecord> records)
    {
        var middle = records[records.Count / 2].TimeUnixMs;
        yield return (new AuditFilter(), _ => true);
        yield return (new AuditFilter { Action = "job.succeeded" }, r => r.Action == "job.succeeded");
        yield return (new AuditFilter { Outcome = "deny" }, r => r.Outcome == "deny");
        yield return (new AuditFilter { Actor = "li.na", Outcome = "deny" }, r => r.Actor == "li.na" && r.Outcome == "deny");
        yield return (new AuditFilter { ActorRole = "peer" }, r => r.ActorRole == "peer");
        yield return (new AuditFilter { Peer = "insurer", Dataset = "claims" }, r => r.Peer == "insurer" && r.Dataset == "claims");
        yield return (new AuditFilter { JobId = "job-7" }, r => r.JobId == "job-7");
        yield return (new AuditFilter { GrantId = "grant-2", PurposeCode = "fraud-check" }, r => r.GrantId == "grant-2" && r.PurposeCode == "fraud-check");
        yield return (new AuditFilter { FromMs = middle, ToMs = middle + 20_000 }, r => r.TimeUnixMs >= middle && r.TimeUnixMs < middle + 20_000);
        yield return (new AuditFilter { Text = "PSI-SUM" }, r => r.Details.Any(d => d.Value == "psi-sum"));
        yield return (new AuditFilter { Text = "50%" }, r => r.Details.Any(d => d.Value.Contains("50%", StringComparison.Ordinal)));
        yield return (new AuditFilter { Text = "5_%" }, _ => false);
        // Shorter than a trigram: read without the index.
        yield return (new AuditFilter { Text = "5X" }, r => r.Details.Any(d => d.Value == "5x"));
        yield return (new AuditFilter { Text = "%" }, r => r.Details.Any(d => d.Value.Contains('%', StringComparison.Ordinal)));
        yield return (new AuditFilter { Action = "no.such.action" }, _ => false);
    }

    private static async Task<List<AuditRecord>> AppendAsync(NodeDatabase database, int count)
    {
        using var key = Ed25519KeyPair.Generate();
        var audit = new AuditLog(database, key, "bureau", new SteppingClock());
        var records = new List<AuditRecord>();
        for (var i = 0; i < count; i++)
        {
            var actor = Actors[i % Actors.Length];
            records.Add(await audit.AppendAsync(new AuditEntry(actor, actor.StartsWith("peer:", StringComparison.Ordinal) ? "peer" : actor == "system" ? "system" : "analyst", Actions[i % Actions.Length], i % 5 == 0 ? "deny" : "ok")
            {
                Peer = Peers[i % Peers.Length],
                Dataset = i % 2 == 0 ? "claims" : "presence",
                JobId = $"job-{i % 11}",
                GrantId = $"grant-{i % 3}",
                PurposeCode = i % 4 == 0 ? "fraud-check" : "statistics",
                Details = new Dictionary<string, string>
                {
                    ["kind"] = i % 6 == 0 ? "psi-sum" : "psi",
                    ["rows"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["share"] = i % 9 == 0 ? "50%" : "5x",
                },
            }, CancellationToken.None));
        }

        return records;
    }

    private static async Task<List<ulong>> AllPagesAsync(AuditQuery query, AuditFilter filter, int pageSize)
    {
        var seqs = new List<ulong>();
        ulong? before = null;
        do
        {
            var page = await query.PageAsync(filter, before, pageSize, CancellationToken.None);
            Assert.True(page.Records.Count <= pageSize);
            seqs.AddRange(page.Records.Select(r => r.Seq));
            before = page.Before;
        }
        while (before is not null);

        return seqs;
    }

    /// <summary>A clock that moves one second each time it is read, so records have distinct times.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private long _ms = 1_790_000_000_000;

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Add(ref _ms, 1000));
    }
}
