using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>
/// Issue 20, load: fifty jobs of five kinds submitted at once by one requester to two providers, all in one process. Every job
/// succeeds, every use is counted once on both sides, and the three audit logs verify. benchmarks/load-e2e.sh runs the same mix
/// between separate processes with larger sets, for the figures.
/// </summary>
public sealed class LoadTests : IAsyncLifetime
{
    private const int Rows = 60;
    private readonly CliNodes _nodes = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.StopAllAsync();

    [Fact]
    public async Task FiftyConcurrentJobsOfMixedKinds_AcrossThreeNodes_AllSucceed()
    {
        var (insurer, bureau, analyst) = await _nodes.PairedAsync();
        var carrier = await _nodes.InitAndServeAsync("carrier");
        await CliNodes.PairAsync(insurer, carrier);
        await DatasetAsync(insurer, "claimants", "not-shared", 0);
        var grants = new List<(string Provider, string Grant, string[] Kinds)>();
        foreach (var provider in new[] { bureau, carrier })
        {
            var name = Path.GetFileName(provider.DataDirectory);
            await DatasetAsync(provider, "holdings", "conditional", Rows / 2);
            grants.Add((name, await CliNodes.GrantAsync(analyst, provider, "holdings", "id_number,amount", "row-count,psi,psi-count,psi-payload", "count,membership,payload", "load-main", 25),
                ["row-count", "psi", "psi-count", "psi-payload"]));
            grants.Add((name, await CliNodes.GrantAsync(analyst, provider, "holdings", "id_number,amount", "psi-sum", "sum", "load-sum", 10), ["psi-sum"]));
        }

        var jobs = Enumerable.Range(0, 50).Select(i =>
        {
            var (provider, grant, kinds) = grants[(i % 2 * 2) + (i % 5 == 4 ? 1 : 0)];
            var kind = kinds[i % 5 == 4 ? 0 : i % 5 % kinds.Length];
            string[] args = kind switch
            {
                "row-count" => ["--kind", kind, "--grant", grant],
                "psi-payload" => ["--kind", kind, "--grant", grant, "--columns", "id_number,amount", "--input", "claimants:id_number"],
                "psi-sum" => ["--kind", kind, "--grant", grant, "--columns", "id_number,amount", "--input", "claimants:id_number", "--value-range", "0:100000"],
                _ => ["--kind", kind, "--grant", grant, "--columns", "id_number", "--input", "claimants:id_number"],
            };
            return (Provider: provider, Grant: grant, Kind: kind, Args: args);
        }).ToList();

        var started = DateTime.UtcNow;
        var submitted = await Task.WhenAll(jobs.Select(job => CliNodes.CliOkAsync(analyst, ["job", "submit", .. job.Args, "--json"])));
        var ids = submitted.Select(json => JsonDocument.Parse(json).RootElement.GetProperty("id").GetString()!).ToList();
        await Task.WhenAll(ids.Select(id => CliNodes.CliAsync(analyst, "job", "watch", id)));
        var elapsed = DateTime.UtcNow - started;

        var states = await Task.WhenAll(ids.Select(async id => JsonDocument.Parse(await CliNodes.CliOkAsync(analyst, "job", "show", id, "--json")).RootElement));
        var failed = states.Where(s => s.GetProperty("state").GetString() != "JOB_STATE_SUCCEEDED").Select(s => $"{s.GetProperty("id")}: {s}").ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of 50 jobs did not succeed in {elapsed}:\n{string.Join('\n', failed)}");
        Assert.Equal(5, jobs.Select(j => j.Kind).Distinct().Count());

        // Each grant counts exactly its jobs, at the provider that enforces it.
        foreach (var provider in new[] { bureau, carrier })
        {
            var given = JsonDocument.Parse(await CliNodes.CliOkAsync(provider, "grant", "list", "--json")).RootElement.GetProperty("grants").EnumerateArray();
            foreach (var grant in given)
            {
                var id = grant.GetProperty("id").GetString()!;
                Assert.Equal(jobs.Count(j => j.Grant == id).ToString(CultureInfo.InvariantCulture), grant.GetProperty("uses").GetString());
            }
        }

        foreach (var node in new[] { insurer, bureau, carrier })
        {
            var auditor = await CliNodes.AddUserAsync(node, "load.auditor", "auditor");
            await CliNodes.AuditExportAsync(auditor);
        }
    }

    private async Task DatasetAsync(CliNodes.Handle node, string name, string sharing, int first)
    {
        var rows = new StringBuilder("id_number,amount\n");
        for (var i = first; i < first + Rows; i++)
        {
            rows.Append(CultureInfo.InvariantCulture, $"{ControlPlaneTests.ResidentId(i)},{1000 + i}\n");
        }

        var path = Path.Combine(_nodes.Root, $"{Path.GetFileName(node.DataDirectory)}-{name}.csv");
        await File.WriteAllTextAsync(path, rows.ToString());
        await CliNodes.CliOkAsync(node, "dataset", "add", name, "--csv", path, "--grade", "L2", "--sharing", sharing,
            "--key", "id_number:cn-resident-id", "--owner-unit", "Load", "--responsible", "Load");
    }
}
