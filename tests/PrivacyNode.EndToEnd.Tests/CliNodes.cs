using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using PrivacyNode.Cli.Tests;
using PrivacyNode.Contracts;
using PrivacyNode.Node.Hosting;
using PrivacyNode.Testing;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>Nodes initialized and served in-process under one temporary root, driven through the CLI's in-process entry point.</summary>
internal sealed class CliNodes
{
    private readonly Dictionary<string, NodeHost> _hosts = new(StringComparer.Ordinal);
    private readonly List<TestPostgres> _schemas = [];

    /// <summary>
    /// The tests' PSI sets are tens of keys: the nodes here take requester sets from 10 keys (the default floor is 100); and their sum
    /// grants allow 20 uses (the default cap is 10), for the many jobs and probes a test runs under one grant.
    /// </summary>
    public static readonly KeyValuePair<string, string?>[] TestOverrides = [new("Node:Jobs:MinRequesterSetSize", "10"), new("Node:Access:MaxSumUses", "20")];

    /// <summary>Nodes under a new temporary directory, or under <paramref name="root"/> (created if need be).</summary>
    public CliNodes(string? root = null)
    {
        Root = root is null ? Directory.CreateTempSubdirectory("pn-e2e-").FullName : Directory.CreateDirectory(root).FullName;
    }

    public string Root { get; }

    /// <summary>
    /// Runs <c>init</c> for <paramref name="name"/> on loopback port 0 and starts the node; returns its directory and admin token.
    /// With <paramref name="storage"/> <c>postgresql</c> the node's store is a fresh schema on the test server (<c>init --postgres</c>), with
    /// an Npgsql connection string (<c>Host=…</c>) that database;
    /// <paramref name="overrides"/> are configuration for this node beside <see cref="TestOverrides"/>.
    /// </summary>
    public async Task<Handle> InitAndServeAsync(string name, string storage = "sqlite", IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        var node = await InitAsync(name, storage);
        await ServeAsync(node, overrides);
        return node;
    }

    /// <summary>Starts the node in <paramref name="node"/>'s data directory in-process, with <see cref="TestOverrides"/> and <paramref name="overrides"/>.</summary>
    public async Task ServeAsync(Handle node, IEnumerable<KeyValuePair<string, string?>>? overrides = null) =>
        _hosts.Add(node.DataDirectory, await NodeHost.StartAsync(node.DataDirectory, [.. TestOverrides, .. overrides ?? []], configureLogging: _ => { }));

    /// <summary>Runs <c>init</c> as <see cref="InitAndServeAsync"/> does, without starting the node; its peer endpoint on <paramref name="peerPort"/>.</summary>
    public async Task<Handle> InitAsync(string name, string storage = "sqlite", int peerPort = 0)
    {
        var directory = Path.Combine(Root, name);
        string[] args = ["init", "--name", name, "--data-dir", directory, "--peer-listen", $"127.0.0.1:{peerPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}", "--local-listen", "127.0.0.1:0", "--json"];
        string? postgres = null;
        if (storage.StartsWith("Host=", StringComparison.Ordinal))
        {
            postgres = storage;
            args = [.. args, "--postgres", postgres];
        }
        else if (storage == "postgresql")
        {
            var schema = await TestPostgres.CreateSchemaAsync();
            _schemas.Add(schema);
            postgres = schema.ConnectionString;
            args = [.. args, "--postgres", postgres];
        }

        var output = new StringWriter();
        var error = new StringWriter();
        var code = await NodeProgram.RunAsync(args, output, error, CancellationToken.None);
        Assert.True(code == ExitCodes.Success, $"init exited {code}: {error}");
        var token = JsonDocument.Parse(output.ToString()).RootElement.GetProperty("adminToken").GetString()!;
        return new Handle(directory, token, postgres);
    }

    /// <summary>A direct connection to the node's store, as someone with database access would open it.</summary>
    public static DbConnection OpenStore(Handle node) => node.Postgres is { } connectionString
        ? new NpgsqlConnection(connectionString)
        : new SqliteConnection($"Data Source={Path.Combine(node.DataDirectory, "node.db")};Pooling=False");

    public static Task<(int Code, string Output, string Error)> CliAsync(Handle node, params string[] args) =>
        new CliRunner(token: node.Token).RunAsync([.. args, "--data-dir", node.DataDirectory]);

    public static async Task<string> CliOkAsync(Handle node, params string[] args)
    {
        var (code, output, error) = await CliAsync(node, args);
        Assert.True(code == ExitCodes.Success, $"privacynode {string.Join(' ', args)} exited {code}: {error}{output}");
        return output;
    }

    /// <summary>Starts the insurer and bureau nodes, pairs them, and adds the insurer's analyst li.na: (insurer admin, bureau admin, analyst).</summary>
    public async Task<(Handle Insurer, Handle Bureau, Handle Analyst)> PairedAsync()
    {
        var insurer = await InitAndServeAsync("insurer");
        var bureau = await InitAndServeAsync("bureau");
        await PairAsync(insurer, bureau);
        return (insurer, bureau, await AddUserAsync(insurer, "li.na", "analyst"));
    }

    /// <summary>Pairs two nodes both ways, each admin adding the other's invitation.</summary>
    public static async Task PairAsync(Handle first, Handle second)
    {
        await CliOkAsync(first, "peer", "add", (await CliOkAsync(second, "invite")).Trim());
        await CliOkAsync(second, "peer", "add", (await CliOkAsync(first, "invite")).Trim());
    }

    /// <summary>Adds a user to the node; the handle calls as that user.</summary>
    public static async Task<Handle> AddUserAsync(Handle admin, string name, string role) =>
        admin with { Token = (await CliOkAsync(admin, "user", "add", name, "--role", role)).Split('\n')[1].Trim() };

    /// <summary>
    /// Files <paramref name="analyst"/>'s request for <paramref name="columns"/> of <paramref name="provider"/>'s dataset, has the
    /// provider approve it for <paramref name="uses"/> uses, and returns the grant. <paramref name="purposeCode"/> tells the
    /// request apart from others.
    /// </summary>
    public static async Task<string> GrantAsync(Handle analyst, Handle provider, string dataset, string columns, string kinds, string outputs, string purposeCode, int uses, params string[] approveOptions)
    {
        var providerName = Path.GetFileName(provider.DataDirectory);
        await CliOkAsync(analyst, "request", "file", "--peer", providerName, "--dataset", dataset, "--columns", columns, "--kinds", kinds, "--outputs", outputs,
            "--purpose", "Test " + purposeCode, "--purpose-code", purposeCode, "--to", "2099-12-31", "--responsible", "Zhao Lei");
        var request = JsonDocument.Parse(await CliOkAsync(provider, "request", "list", "--incoming", "--json")).RootElement.GetProperty("requests")
            .EnumerateArray().Single(r => r.GetProperty("terms").GetProperty("purposeCode").GetString() == purposeCode).GetProperty("id").GetString()!;
        await CliOkAsync(provider, ["request", "approve", request, "--peer", Path.GetFileName(analyst.DataDirectory), "--max-uses", uses.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--responsible", "Wang Fang", .. approveOptions]);
        return JsonDocument.Parse(await CliOkAsync(analyst, "grant", "list", "--json")).RootElement.GetProperty("grants")
            .EnumerateArray().Single(g => g.GetProperty("requestId").GetString() == request).GetProperty("id").GetString()!;
    }

    /// <summary>Stops one node, as if its agency went offline.</summary>
    public async Task StopAsync(Handle node)
    {
        if (_hosts.Remove(node.DataDirectory, out var host))
        {
            await host.DisposeAsync();
        }
    }

    /// <summary>Submits a job, follows it to its end and returns its result (JSON); the job must succeed.</summary>
    public static async Task<JsonElement> RunJobAsync(Handle analyst, params string[] args)
    {
        var job = JsonDocument.Parse(await CliOkAsync(analyst, ["job", "submit", .. args, "--json"])).RootElement.GetProperty("id").GetString()!;
        await CliOkAsync(analyst, "job", "watch", job);
        return JsonDocument.Parse(await CliOkAsync(analyst, "job", "result", job, "--json")).RootElement.GetProperty("result");
    }

    /// <summary>
    /// The job once it has ended, asking every 50 ms for up to a minute; each ask the node refuses meanwhile (it may be restarting, or its
    /// database away) goes to <paramref name="refused"/>, which may assert on it.
    /// </summary>
    public static async Task<JsonElement> EndOfJobAsync(Handle analyst, string id, Action<string>? refused = null)
    {
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            if (await JobIfEndedAsync(analyst, id, refused) is { } job)
            {
                return job;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"Job {id} did not end within a minute.");
        return default;
    }

    /// <summary>The job if it has ended; null while it is pending or running, or when the node refuses the ask (given to <paramref name="refused"/>).</summary>
    public static async Task<JsonElement?> JobIfEndedAsync(Handle analyst, string id, Action<string>? refused = null)
    {
        var (code, output, error) = await CliAsync(analyst, "job", "show", id, "--json");
        if (code != ExitCodes.Success)
        {
            refused?.Invoke(error);
            return null;
        }

        var job = JsonDocument.Parse(output).RootElement;
        return job.GetProperty("state").GetString() is "JOB_STATE_PENDING" or "JOB_STATE_RUNNING" ? null : job;
    }

    /// <summary>Submits a job and waits for it, whatever the outcome.</summary>
    public static Task<(int Code, string Output, string Error)> SubmitJobAsync(Handle analyst, params string[] args) =>
        CliAsync(analyst, ["job", "submit", .. args, "--wait"]);

    /// <summary>The node's audit export as <paramref name="auditor"/> reads it: its lines, which must verify, and its records.</summary>
    public static async Task<(string[] Lines, List<JsonElement> Records)> AuditExportAsync(Handle auditor)
    {
        var lines = (await CliOkAsync(auditor, "audit", "export")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var report = new AuditVerifier().Verify(lines, null);
        Assert.True(report.Ok, report.Message);
        return (lines, [.. lines.Skip(1).Select(l => JsonDocument.Parse(l).RootElement)]);
    }

    /// <summary>The value of detail <paramref name="name"/> of an exported audit record, or empty.</summary>
    public static string AuditDetail(JsonElement record, string name) =>
        record.GetProperty("details").EnumerateArray().Where(d => d.GetProperty("key").GetString() == name).Select(d => d.GetProperty("value").GetString()!).SingleOrDefault(string.Empty);

    /// <summary>Stops every node started here, drops their PostgreSQL schemas and deletes <see cref="Root"/>.</summary>
    public async Task StopAllAsync()
    {
        foreach (var host in _hosts.Values)
        {
            await host.DisposeAsync();
        }

        foreach (var schema in _schemas)
        {
            await schema.DisposeAsync();
        }

        Directory.Delete(Root, recursive: true);
    }

    /// <summary>A node's data directory, the token the CLI calls it with, and its PostgreSQL store if it has one.</summary>
    public sealed record Handle(string DataDirectory, string Token, string? Postgres = null);
}
