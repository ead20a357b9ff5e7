using System.Globalization;
using BenchmarkDotNet.Attributes;
using PrivacyNode.Crypto.Signatures;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Configuration;
using PrivacyNode.Node.Storage;

namespace PrivacyNode.Node.Benchmarks;

/// <summary>
/// One page (50 records) of the audit views' query over a SQLite log of 10^6 signed records, as the console asks for
/// it: the newest page, a page half-way down, filtered by actor, by a day, and by free text that matches often or once.
/// </summary>
public class AuditQueryBenchmarks : IDisposable
{
    private const int Records = 1_000_000;
    private const int PageSize = 50;

    private const long StartMs = 1_790_000_000_000;

    private NodeDatabase _database = null!;
    private AuditQuery _query = null!;

    /// <summary>
    /// Builds the log once (about three minutes: every record is hashed and signed) in a directory under the system's
    /// temporary directory that later runs reuse; delete it to build afresh.
    /// </summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "privacynode-audit-bench-v1");
        var complete = Path.Combine(directory, "complete");
        if (!File.Exists(complete) && Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        _database = await NodeDatabase.OpenAsync(new StorageOptions(), new DataDirectory(directory), CancellationToken.None);
        if (!File.Exists(complete))
        {
            using var key = Ed25519KeyPair.Generate();
            var audit = new AuditLog(_database, key, "bureau", new MinuteClock());
            for (var start = 0; start < Records; start += 10_000)
            {
                await _database.InTransactionAsync(async (connection, transaction) =>
                {
                    for (var i = start; i < start + 10_000; i++)
                    {
                        await audit.AppendAsync(connection, transaction, Entry(i), CancellationToken.None);
                    }

                    return true;
                }, CancellationToken.None);
            }

            await File.WriteAllTextAsync(complete, "");
        }

        _query = new AuditQuery(_database);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _database.DisposeAsync().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public Task<AuditPage> NewestPage() => _query.PageAsync(new AuditFilter(), null, PageSize, CancellationToken.None);

    [Benchmark]
    public Task<AuditPage> PageHalfWayDown() => _query.PageAsync(new AuditFilter(), Records / 2, PageSize, CancellationToken.None);

    /// <summary>One actor of seven.</summary>
    [Benchmark]
    public Task<AuditPage> ByActor() => _query.PageAsync(new AuditFilter { Actor = "analyst-3" }, Records / 2, PageSize, CancellationToken.None);

    /// <summary>A day in the middle of the log (a record a minute).</summary>
    [Benchmark]
    public Task<AuditPage> ByDay() => _query.PageAsync(
        new AuditFilter { FromMs = StartMs + (Records / 2 * 60_000L), ToMs = StartMs + (Records / 2 * 60_000L) + 86_400_000 }, null, PageSize, CancellationToken.None);

    /// <summary>Free text in one record of ten.</summary>
    [Benchmark]
    public Task<AuditPage> TextCommon() => _query.PageAsync(new AuditFilter { Text = "psi-sum" }, null, PageSize, CancellationToken.None);

    /// <summary>Free text in every record.</summary>
    [Benchmark]
    public Task<AuditPage> TextEverywhere() => _query.PageAsync(new AuditFilter { Text = "fraud-check" }, null, PageSize, CancellationToken.None);

    /// <summary>Free text in one record of the 10^6, near the oldest end.</summary>
    [Benchmark]
    public Task<AuditPage> TextInOneRecord() => _query.PageAsync(new AuditFilter { Text = "job-000017" }, null, PageSize, CancellationToken.None);

    private static AuditEntry Entry(int i) =>
        new($"analyst-{i % 7}", "analyst", i % 3 == 0 ? "job.submit" : "policy.decision", i % 13 == 0 ? "deny" : "ok")
        {
            Peer = i % 2 == 0 ? "insurer" : "operator",
            Dataset = "claims",
            JobId = "job-" + i.ToString("D6", CultureInfo.InvariantCulture),
            GrantId = "grant-" + (i % 50).ToString(CultureInfo.InvariantCulture),
            PurposeCode = "fraud-check",
            Details = new Dictionary<string, string> { ["kind"] = i % 10 == 0 ? "psi-sum" : "psi", ["rows"] = (i * 7).ToString(CultureInfo.InvariantCulture) },
        };

    /// <summary>A clock that moves one minute each time it is read.</summary>
    private sealed class MinuteClock : TimeProvider
    {
        private long _ms = StartMs;

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Add(ref _ms, 60_000));
    }
}
