using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PrivacyNode.Contracts;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>
/// Issue 20, faults: the node's PostgreSQL server restarts, and later goes away for a while, under a running node. Calls meanwhile
/// are refused as UNAVAILABLE with a reason, the node recovers by itself, and nothing it acknowledged is lost. The server is a
/// private one started for the test (Debian's PostgreSQL 15 binaries, run as the postgres user: the test needs root), so
/// restarting it disturbs no other test.
/// </summary>
public sealed class PostgresRestartTests : IAsyncLifetime
{
    private const string Binaries = "/usr/lib/postgresql/15/bin";
    private readonly string _cluster = Directory.CreateTempSubdirectory("pn-pg-").FullName;
    private readonly int _port = NodeProcess.FreePort();
    private readonly CliNodes _nodes = new();

    public async Task InitializeAsync()
    {
        await RunAsync("chown", "postgres", _cluster);
        await RunAsync("runuser", "-u", "postgres", "--", $"{Binaries}/initdb", "-D", _cluster, "-A", "trust", "-U", "postgres", "--no-sync");
        await PgCtlAsync("start");
    }

    public async Task DisposeAsync()
    {
        await _nodes.StopAllAsync();
        await PgCtlAsync("stop", "-m", "immediate");
        Directory.Delete(_cluster, recursive: true);
    }

    private string ConnectionString => $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Timeout=3";

    [Fact]
    public async Task ServerRestartAndOutage_AreReportedAndSurvived_LosingNothingAcknowledged()
    {
        var node = await _nodes.InitAndServeAsync("bureau", ConnectionString);
        await CliNodes.CliOkAsync(node, "user", "add", "before.restart", "--role", "analyst");

        await PgCtlAsync("restart", "-m", "fast");
        await AddUntilAcceptedAsync(node, "after.restart");

        await PgCtlAsync("stop", "-m", "fast");
        var (code, _, error) = await CliNodes.CliAsync(node, "user", "add", "during.outage", "--role", "analyst");
        Assert.NotEqual(ExitCodes.Success, code);
        Assert.Contains("database is unreachable or restarting", error, StringComparison.Ordinal);
        await PgCtlAsync("start");
        await AddUntilAcceptedAsync(node, "during.outage");

        var users = await CliNodes.CliOkAsync(node, "user", "list");
        Assert.All(new[] { "before.restart", "after.restart", "during.outage" }, name => Assert.Contains(name, users, StringComparison.Ordinal));
        var auditor = await CliNodes.AddUserAsync(node, "pg.auditor", "auditor");
        var (_, records) = await CliNodes.AuditExportAsync(auditor);
        var added = records.Where(r => r.GetProperty("action").GetString() == "user.add")
            .Select(r => CliNodes.AuditDetail(r, "user")).ToList();
        Assert.All(new[] { "before.restart", "after.restart", "during.outage" }, name => Assert.Equal(1, added.Count(u => u == name)));
    }

    /// <summary>
    /// The server restarts under four clients adding users as fast as they can: every add the node acknowledged is stored with exactly
    /// one audit record, an add refused during the restart is stored at most once, and the chain verifies.
    /// </summary>
    [Fact]
    public async Task ServerRestartUnderConcurrentWrites_LosesNothingAcknowledged()
    {
        var node = await _nodes.InitAndServeAsync("bureau", ConnectionString);
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        var refused = 0;
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var name = $"writer{w}.user{i}";
                var (code, _, error) = await CliNodes.CliAsync(node, "user", "add", name, "--role", "analyst");
                if (code == ExitCodes.Success)
                {
                    acknowledged.Add(name);
                }
                else
                {
                    Assert.Contains("database is unreachable or restarting", error, StringComparison.Ordinal);
                    Interlocked.Increment(ref refused);
                }
            }
        })).ToList();

        await Task.Delay(1000);
        await PgCtlAsync("restart", "-m", "fast");
        await Task.Delay(1000);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var auditor = await CliNodes.AddUserAsync(node, "pg.auditor", "auditor");
        var (_, records) = await CliNodes.AuditExportAsync(auditor);
        var added = records.Where(r => r.GetProperty("action").GetString() == "user.add").GroupBy(r => CliNodes.AuditDetail(r, "user")).ToDictionary(g => g.Key, g => g.Count());
        var users = await CliNodes.CliOkAsync(node, "user", "list");
        Assert.True(acknowledged.Count > 20 && refused > 0, $"{acknowledged.Count} acknowledged, {refused} refused: the restart did not fall among the writes.");
        Assert.All(acknowledged, name => Assert.Contains(name, users, StringComparison.Ordinal));
        Assert.All(acknowledged, name => Assert.Equal(1, added.GetValueOrDefault(name)));
        Assert.All(added.Values, count => Assert.Equal(1, count));
    }

    /// <summary>
    /// The requester's server goes down while a psi-count job runs, after the job's start, and comes back only after the job has ended:
    /// progress goes unsaved meanwhile; the job fails at its first read of the store with the outage as its reason (storage-unavailable);
    /// that end is stored once the server is back; and the node runs the next job without a restart of its own. (Before, the first
    /// progress save failed the job as "internal", and storing its end killed one of the node's two job workers, leaving the job running
    /// until the node restarted.)
    /// </summary>
    [Fact]
    public async Task ServerDownMidJob_TheJobsEndIsStoredOnceBack_AndTheNextRuns()
    {
        var insurer = await _nodes.InitAndServeAsync("insurer", ConnectionString);
        var bureau = await _nodes.InitAndServeAsync("bureau");
        await CliNodes.PairAsync(insurer, bureau);
        var analyst = await CliNodes.AddUserAsync(insurer, "li.na", "analyst");
        foreach (var (node, name, first) in new[] { (insurer, "claimants", 0), (bureau, "holdings", 1000) })
        {
            var csv = Path.Combine(_nodes.Root, name + ".csv");
            await File.WriteAllLinesAsync(csv, ["id_number", .. Enumerable.Range(first, 20_000).Select(ControlPlaneTests.ResidentId)]);
            await CliNodes.CliOkAsync(node, "dataset", "add", name, "--csv", csv, "--grade", "L2", "--sharing", node == bureau ? "conditional" : "not-shared",
                "--key", "id_number:cn-resident-id", "--owner-unit", "Test", "--responsible", "Test");
        }

        var grant = await CliNodes.GrantAsync(analyst, bureau, "holdings", "id_number", "psi-count", "count", "pg-mid-job", 5);
        string[] job = ["--kind", "psi-count", "--grant", grant, "--columns", "id_number", "--input", "claimants:id_number"];
        var id = JsonDocument.Parse(await CliNodes.CliOkAsync(analyst, ["job", "submit", .. job, "--json"])).RootElement.GetProperty("id").GetString()!;
        while (JsonDocument.Parse(await CliNodes.CliOkAsync(analyst, "job", "show", id, "--json")).RootElement.GetProperty("stage").GetString() != "blinding and unblinding keys")
        {
            await Task.Delay(20);
        }

        await PgCtlAsync("stop", "-m", "fast");
        var stopped = DateTimeOffset.UtcNow;
        var bureauAuditor = await CliNodes.AddUserAsync(bureau, "bureau.auditor", "auditor");
        while (!(await CliNodes.AuditExportAsync(bureauAuditor)).Records.Any(r => r.GetProperty("action").GetString() == "job.provide"))
        {
            await Task.Delay(100);
        }

        // The provider is done; the requester ends the job while its server is still down.
        await Task.Delay(1000);
        var restarted = DateTimeOffset.UtcNow;
        await PgCtlAsync("start");

        var ended = await CliNodes.EndOfJobAsync(analyst, id, error => Assert.Contains("database is unreachable or restarting", error, StringComparison.Ordinal));
        Assert.True(ended.GetProperty("state").GetString() == "JOB_STATE_FAILED" && ended.GetProperty("failureCode").GetString() == "storage-unavailable", ended.ToString());
        Assert.Contains("database is unreachable or restarting", ended.GetProperty("failureMessage").GetString(), StringComparison.Ordinal);
        var finished = ended.GetProperty("finishedAt").GetDateTimeOffset();
        Assert.True(finished > stopped && finished < restarted, $"The job ended at {finished:O}, not within the outage ({stopped:O} to {restarted:O}).");
        var next = await CliNodes.RunJobAsync(analyst, job);
        Assert.Equal("19000", next.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "intersection_size").GetProperty("value").GetString());
        var auditor = await CliNodes.AddUserAsync(insurer, "pg.auditor", "auditor");
        var (_, records) = await CliNodes.AuditExportAsync(auditor);
        Assert.Equal(["job.submit", "job.start", "job.failed"], records.Where(r => r.TryGetProperty("jobId", out var j) && j.GetString() == id && r.GetProperty("action").GetString()!.StartsWith("job.", StringComparison.Ordinal))
            .Select(r => r.GetProperty("action").GetString()));
    }

    /// <summary>Adds a user, retrying while the node reports its database unreachable (a pooled connection the restart broke).</summary>
    private static async Task AddUntilAcceptedAsync(CliNodes.Handle node, string name)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (code, _, error) = await CliNodes.CliAsync(node, "user", "add", name, "--role", "analyst");
            if (code == ExitCodes.Success)
            {
                return;
            }

            Assert.True(attempt < 20 && error.Contains("database is unreachable or restarting", StringComparison.Ordinal), $"Attempt {attempt}: {error}");
            await Task.Delay(250);
        }
    }

    private Task PgCtlAsync(string action, params string[] options) =>
        RunAsync("runuser", ["-u", "postgres", "--", $"{Binaries}/pg_ctl", "-D", _cluster, "-w", "-l", Path.Combine(_cluster, "server.log"),
            "-o", $"-p {_port.ToString(CultureInfo.InvariantCulture)} -k {_cluster} -c listen_addresses=127.0.0.1 -c fsync=off", action, .. options]);

    private static async Task RunAsync(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}{await output} (this test runs a private PostgreSQL server as the postgres user and needs root)");
    }
}
