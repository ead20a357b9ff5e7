using System.Globalization;
using System.Text;
using System.Text.Json;
using PrivacyNode.Contracts;
using PrivacyNode.Node.Hosting;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>
/// Issue 21: a backup taken while jobs run brings the node back on a new machine (another data directory): its audit chain
/// verifies, with the restore recorded; the peer still knows it; the jobs that were running end failed; and new jobs run.
/// </summary>
public sealed class BackupRestoreTests : IAsyncLifetime
{
    private const int Claims = 3000;
    private readonly CliNodes _nodes = new();
    private CliNodes.Handle _insurer = null!;
    private CliNodes.Handle _bureau = null!;
    private CliNodes.Handle _analyst = null!;
    private string _grant = null!;

    public async Task InitializeAsync()
    {
        (_insurer, _bureau, _analyst) = await _nodes.PairedAsync();
        var (theirs, mine) = (new StringBuilder("id_number,amount\n"), new StringBuilder("id_number\n"));
        for (var i = 0; i < Claims; i++)
        {
            theirs.Append(CultureInfo.InvariantCulture, $"{ControlPlaneTests.ResidentId(i)},{i}\n");
            mine.Append(CultureInfo.InvariantCulture, $"{ControlPlaneTests.ResidentId(i + (Claims / 2))}\n");
        }

        await File.WriteAllTextAsync(Path.Combine(_nodes.Root, "theirs.csv"), theirs.ToString());
        await File.WriteAllTextAsync(Path.Combine(_nodes.Root, "mine.csv"), mine.ToString());
        await CliNodes.CliOkAsync(_bureau, "dataset", "add", "claims", "--csv", Path.Combine(_nodes.Root, "theirs.csv"), "--grade", "L2", "--sharing", "conditional",
            "--key", "id_number:cn-resident-id", "--owner-unit", "Medical Insurance Bureau", "--responsible", "Wang Fang");
        await CliNodes.CliOkAsync(_insurer, "dataset", "add", "mine", "--csv", Path.Combine(_nodes.Root, "mine.csv"), "--grade", "L2", "--sharing", "not-shared",
            "--key", "id_number:cn-resident-id", "--owner-unit", "Insurer", "--responsible", "Zhao Lei");
        _grant = await CliNodes.GrantAsync(_analyst, _bureau, "claims", "id_number", "psi-count", "count", "backup", 100);
    }

    public async Task DisposeAsync() => await _nodes.StopAllAsync();

    [Fact]
    public async Task Backup_TakenWhileJobsRun_RestoresANodeThatVerifiesAndWorksWithItsPeer()
    {
        var passphrase = Path.Combine(_nodes.Root, "backup-passphrase");
        var backup = Path.Combine(_nodes.Root, "insurer.pnbackup");
        await File.WriteAllTextAsync(passphrase, "the operator's backup passphrase\n");
        using var stop = new CancellationTokenSource();
        var finished = 0;
        var jobs = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (code, output, error) = await CliNodes.CliAsync(_analyst, "job", "submit", "--kind", "psi-count", "--grant", _grant, "--columns", "id_number", "--input", "mine:id_number", "--json");
                Assert.True(code == ExitCodes.Success, error);
                await CliNodes.EndOfJobAsync(_analyst, JsonDocument.Parse(output).RootElement.GetProperty("id").GetString()!);
                Interlocked.Increment(ref finished);
            }
        });
        await UntilAsync(() => Volatile.Read(ref finished) >= 2, jobs);

        var taken = await DaemonAsync("backup", "--data-dir", _insurer.DataDirectory, "--out", backup, "--backup-passphrase-file", passphrase, "--json");
        var backedUpJobs = Volatile.Read(ref finished);
        await UntilAsync(() => Volatile.Read(ref finished) >= backedUpJobs + 2, jobs);

        await stop.CancelAsync();
        await jobs;

        // The insurer's machine is lost; the backup is restored on another, which serves in its place.
        await _nodes.StopAsync(_insurer);
        Directory.Delete(_insurer.DataDirectory, recursive: true);
        var restored = _insurer with { DataDirectory = Path.Combine(_nodes.Root, "new-machine", "insurer") };
        var restoredOutput = await DaemonAsync("restore", "--data-dir", restored.DataDirectory, "--in", backup, "--backup-passphrase-file", passphrase, "--json");
        await _nodes.ServeAsync(restored);
        var analyst = _analyst with { DataDirectory = restored.DataDirectory };

        Assert.Equal("insurer", JsonDocument.Parse(taken).RootElement.GetProperty("node").GetString());
        Assert.Equal("sqlite", JsonDocument.Parse(restoredOutput).RootElement.GetProperty("store").GetString());
        // The backup holds the jobs submitted before its snapshot: the two that had finished at least, and perhaps one in flight. A job
        // caught running ends node-restarted; one caught still queued runs now.
        var jobsAfter = JsonDocument.Parse(await CliNodes.CliOkAsync(analyst, "job", "list", "--json")).RootElement.GetProperty("jobs").EnumerateArray().ToList();
        Assert.InRange(jobsAfter.Count, 2, backedUpJobs + 1);
        foreach (var job in jobsAfter)
        {
            var ended = await CliNodes.EndOfJobAsync(analyst, job.GetProperty("id").GetString()!);
            Assert.True(ended.GetProperty("state").GetString() == "JOB_STATE_SUCCEEDED" || ended.GetProperty("failureCode").GetString() == "node-restarted", ended.ToString());
        }

        var result = await CliNodes.RunJobAsync(analyst, "--kind", "psi-count", "--grant", _grant, "--columns", "id_number", "--input", "mine:id_number");
        Assert.Contains(result.GetProperty("metrics").EnumerateArray(), m => m.GetProperty("value").GetString() == (Claims / 2).ToString(CultureInfo.InvariantCulture));

        // The restored chain verifies and says where it came back from. The peer still holds receipts for the records written after the
        // backup, which are gone: checked against the peer's export, the first record after the restore point is reported as rewritten.
        var auditor = await CliNodes.AddUserAsync(restored, "auditor", "auditor");
        var (lines, records) = await CliNodes.AuditExportAsync(auditor);
        var restore = Assert.Single(records, r => r.GetProperty("action").GetString() == "node.restore");
        var kept = ulong.Parse(CliNodes.AuditDetail(restore, "backup_records"), CultureInfo.InvariantCulture);
        Assert.Equal(kept + 1, ulong.Parse(restore.GetProperty("seq").GetString()!, CultureInfo.InvariantCulture));
        var insurerLog = Path.Combine(_nodes.Root, "insurer.jsonl");
        var bureauLog = Path.Combine(_nodes.Root, "bureau.jsonl");
        await File.WriteAllLinesAsync(insurerLog, lines);
        await CliNodes.CliOkAsync(await CliNodes.AddUserAsync(_bureau, "auditor", "auditor"), "audit", "export", "--out", bureauLog);
        var (code, _, error) = await CliNodes.CliAsync(auditor, "audit", "verify", insurerLog, "--peer-export", bureauLog);
        Assert.Equal(ExitCodes.Failed, code);
        var rewritten = ulong.Parse(System.Text.RegularExpressions.Regex.Match(error, @"Record (\d+) is not the record 'bureau' holds a receipt for").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(rewritten > kept, error);
    }

    /// <summary>
    /// A node on PostgreSQL: the backup holds its keys and configuration only (its database is the operator's pg_dump); restored over
    /// the same database, the node serves with its identity, its chain verifies and the restore is recorded in it.
    /// </summary>
    [Fact]
    public async Task Backup_OfAPostgresNode_HoldsKeysAndConfiguration_AndRestoresOverItsDatabase()
    {
        var registry = await _nodes.InitAndServeAsync("registry", "postgresql");
        var passphrase = Path.Combine(_nodes.Root, "backup-passphrase");
        var backup = Path.Combine(_nodes.Root, "registry.pnbackup");
        await File.WriteAllTextAsync(passphrase, "the operator's backup passphrase\n");
        var before = JsonDocument.Parse(await CliNodes.CliOkAsync(registry, "node", "info", "--json")).RootElement.GetProperty("node").GetProperty("certificateFingerprint").GetString();

        var taken = JsonDocument.Parse(await DaemonAsync("backup", "--data-dir", registry.DataDirectory, "--out", backup, "--backup-passphrase-file", passphrase, "--json")).RootElement;
        await _nodes.StopAsync(registry);
        Directory.Delete(registry.DataDirectory, recursive: true);
        var restored = registry with { DataDirectory = Path.Combine(_nodes.Root, "new-machine", "registry") };
        await DaemonAsync("restore", "--data-dir", restored.DataDirectory, "--in", backup, "--backup-passphrase-file", passphrase);
        await _nodes.ServeAsync(restored);

        Assert.Equal("postgresql", taken.GetProperty("store").GetString());
        Assert.False(File.Exists(Path.Combine(restored.DataDirectory, "node.db")));
        var after = JsonDocument.Parse(await CliNodes.CliOkAsync(restored, "node", "info", "--json")).RootElement.GetProperty("node").GetProperty("certificateFingerprint").GetString();
        Assert.Equal(before, after);
        var (_, records) = await CliNodes.AuditExportAsync(await CliNodes.AddUserAsync(restored, "auditor", "auditor"));
        Assert.Single(records, r => r.GetProperty("action").GetString() == "node.restore");
    }

    [Fact]
    public async Task Restore_WrongPassphraseOrChangedFile_IsRefusedAndLeavesNothing()
    {
        var passphrase = Path.Combine(_nodes.Root, "backup-passphrase");
        var wrong = Path.Combine(_nodes.Root, "wrong-passphrase");
        var backup = Path.Combine(_nodes.Root, "insurer.pnbackup");
        await File.WriteAllTextAsync(passphrase, "the operator's backup passphrase\n");
        await File.WriteAllTextAsync(wrong, "not the backup passphrase\n");
        await DaemonAsync("backup", "--data-dir", _insurer.DataDirectory, "--out", backup, "--backup-passphrase-file", passphrase);
        var changed = Path.Combine(_nodes.Root, "changed.pnbackup");
        var bytes = await File.ReadAllBytesAsync(backup);
        bytes[bytes.Length / 2] ^= 1;
        await File.WriteAllBytesAsync(changed, bytes);
        var target = Path.Combine(_nodes.Root, "new-machine", "insurer");

        foreach (var (file, key, expected) in new[] { (backup, wrong, "passphrase is wrong"), (changed, passphrase, "was changed") })
        {
            using var error = new StringWriter();
            var code = await NodeProgram.RunAsync(["restore", "--data-dir", target, "--in", file, "--backup-passphrase-file", key], TextWriter.Null, error, CancellationToken.None);
            Assert.Equal(ExitCodes.Configuration, code);
            Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
            Assert.False(Directory.Exists(target));
            Assert.Empty(Directory.GetFileSystemEntries(Path.GetDirectoryName(target)!));
        }
    }

    /// <summary>Waits until <paramref name="done"/>, failing with <paramref name="work"/>'s error if it stops first, or after two minutes.</summary>
    private static async Task UntilAsync(Func<bool> done, Task work)
    {
        var limit = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!done())
        {
            if (work.IsCompleted)
            {
                await work;
                Assert.Fail("The jobs stopped early.");
            }

            Assert.True(DateTime.UtcNow < limit, "The jobs did not finish within two minutes.");
            await Task.Delay(50);
        }
    }

    private static async Task<string> DaemonAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await NodeProgram.RunAsync(args, output, error, CancellationToken.None);
        Assert.True(code == ExitCodes.Success, $"privacynode-node {args[0]} exited {code}: {error}");
        return output.ToString();
    }
}
