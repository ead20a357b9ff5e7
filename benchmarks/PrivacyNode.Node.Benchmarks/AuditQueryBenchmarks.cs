using BenchmarkDotNet.Attributes;
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
    private const int PageSize = 50;
    private const int Records = BenchmarkLog.Records;

    private NodeDatabase _database = null!;
    private AuditQuery _query = null!;

    /// <remarks>Synchronous: in process, BenchmarkDotNet 0.14 does not wait for an asynchronous setup.</remarks>
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _database = await NodeDatabase.OpenAsync(new StorageOptions(), new DataDirectory(await BenchmarkLog.EnsureAsync()), CancellationToken.None);
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
        new AuditFilter { FromMs = BenchmarkLog.StartMs + (Records / 2 * 60_000L), ToMs = BenchmarkLog.StartMs + (Records / 2 * 60_000L) + 86_400_000 }, null, PageSize, CancellationToken.None);

    /// <summary>Free text in one record of ten.</summary>
    [Benchmark]
    public Task<AuditPage> TextCommon() => _query.PageAsync(new AuditFilter { Text = "psi-sum" }, null, PageSize, CancellationToken.None);

    /// <summary>Free text in every record.</summary>
    [Benchmark]
    public Task<AuditPage> TextEverywhere() => _query.PageAsync(new AuditFilter { Text = "fraud-check" }, null, PageSize, CancellationToken.None);

    /// <summary>Free text in one record of the 10^6, near the oldest end.</summary>
    [Benchmark]
    public Task<AuditPage> TextInOneRecord() => _query.PageAsync(new AuditFilter { Text = "job-000017" }, null, PageSize, CancellationToken.None);
}
