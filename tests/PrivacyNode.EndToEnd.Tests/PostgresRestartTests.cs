using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
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
    private readonly int _port = FreePort();
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

    [Fact]
    public async Task ServerRestartAndOutage_AreReportedAndSurvived_LosingNothingAcknowledged()
    {
        var node = await _nodes.InitAndServeAsync("bureau", $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Timeout=3");
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

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}{await output} (this test runs a private PostgreSQL server as the postgres user and needs root)");
    }
}
