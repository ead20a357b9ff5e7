using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>
/// Issue 21: data directories made by the previous release (1.0.0, built from history by tests/upgrade/make-fixture.sh) open with
/// this one: the store migrates, the audit chains made by 1.0.0 verify with the records 1.1.0 adds, the pairing holds, and a job
/// under the grant 1.0.0 stored runs.
/// </summary>
[Collection(BuildingTests.Name)]
public sealed class UpgradeTests : IAsyncLifetime
{
    private const string Release = "1.0.0";
    private readonly CliNodes _nodes = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.StopAllAsync();

    [Fact]
    public async Task DataDirectoriesOfThePreviousRelease_MigrateVerifyAndRunAJob()
    {
        var fixture = await FixtureAsync();
        foreach (var name in new[] { "insurer", "bureau" })
        {
            CopyDirectory(Path.Combine(fixture, name), Path.Combine(_nodes.Root, name));
        }

        var insurer = new CliNodes.Handle(Path.Combine(_nodes.Root, "insurer"), Token(fixture, "insurer"));
        var bureau = new CliNodes.Handle(Path.Combine(_nodes.Root, "bureau"), Token(fixture, "bureau"));
        var analyst = insurer with { Token = Token(fixture, "analyst") };
        Assert.Equal(3, SchemaVersion(insurer));

        await _nodes.ServeAsync(insurer);
        await _nodes.ServeAsync(bureau);

        Assert.Equal(7, SchemaVersion(insurer));
        Assert.Contains("1.1.0", await CliNodes.CliOkAsync(insurer, "node", "info"), StringComparison.Ordinal);
        var jobs = JsonDocument.Parse(await CliNodes.CliOkAsync(analyst, "job", "list", "--json")).RootElement.GetProperty("jobs");
        Assert.Equal("JOB_STATE_SUCCEEDED", Assert.Single(jobs.EnumerateArray()).GetProperty("state").GetString());
        var grant = (await File.ReadAllTextAsync(Path.Combine(fixture, "grant"))).Trim();
        var result = await CliNodes.RunJobAsync(analyst, "--kind", "psi-count", "--grant", grant, "--columns", "id_number", "--input", "mine:id_number");
        Assert.Contains(result.GetProperty("metrics").EnumerateArray(), m => m.GetProperty("name").GetString() == "intersection_size" && m.GetProperty("value").GetString() == "200");

        var insurerLog = Path.Combine(_nodes.Root, "insurer.jsonl");
        var bureauLog = Path.Combine(_nodes.Root, "bureau.jsonl");
        var insurerAuditor = await CliNodes.AddUserAsync(insurer, "auditor", "auditor");
        await CliNodes.CliOkAsync(insurerAuditor, "audit", "export", "--out", insurerLog);
        await CliNodes.CliOkAsync(await CliNodes.AddUserAsync(bureau, "auditor", "auditor"), "audit", "export", "--out", bureauLog);
        Assert.Contains("OK", await CliNodes.CliOkAsync(insurerAuditor, "audit", "verify", insurerLog, "--peer-export", bureauLog), StringComparison.Ordinal);
        Assert.Contains("OK", await CliNodes.CliOkAsync(insurerAuditor, "audit", "verify", bureauLog, "--peer-export", insurerLog), StringComparison.Ordinal);
    }

    /// <summary>The fixture's directory, made by the script if this clone has none yet (a build of 1.0.0: a minute or two).</summary>
    private static async Task<string> FixtureAsync()
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(RepositoryLayout.Root, "tests", "upgrade", "make-fixture.sh")])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await output + await error);
        return Path.Combine(RepositoryLayout.Root, "artifacts", "upgrade", Release);
    }

    private static string Token(string fixture, string name) => File.ReadAllText(Path.Combine(fixture, name + ".token")).Trim();

    private static long SchemaVersion(CliNodes.Handle node)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(node.DataDirectory, "node.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(version) FROM schema_migrations";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/run/", StringComparison.Ordinal)))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
