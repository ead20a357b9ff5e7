using System.Globalization;
using System.Text;
using PrivacyNode.Contracts;
using PrivacyNode.Node;
using PrivacyNode.Node.Hosting;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>Issue 21: the Prometheus endpoint of two nodes after a job, a refused job and a refused local call.</summary>
public sealed class MetricsTests : IAsyncLifetime
{
    private readonly CliNodes _nodes = new();
    private CliNodes.Handle _insurer = null!;
    private CliNodes.Handle _bureau = null!;
    private CliNodes.Handle _analyst = null!;

    public async Task InitializeAsync()
    {
        (_insurer, _bureau, _analyst) = await _nodes.PairedAsync();
        var csv = new StringBuilder("id_number\n");
        for (var i = 0; i < 100; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{ControlPlaneTests.ResidentId(i)}\n");
        }

        await File.WriteAllTextAsync(Path.Combine(_nodes.Root, "ids.csv"), csv.ToString());
        foreach (var (node, sharing) in new[] { (_bureau, "conditional"), (_insurer, "not-shared") })
        {
            await CliNodes.CliOkAsync(node, "dataset", "add", "ids", "--csv", Path.Combine(_nodes.Root, "ids.csv"), "--grade", "L2", "--sharing", sharing,
                "--key", "id_number:cn-resident-id", "--owner-unit", "Unit", "--responsible", "Wang Fang");
        }
    }

    public async Task DisposeAsync() => await _nodes.StopAllAsync();

    [Fact]
    public async Task Metrics_CountJobsBytesRefusalsAndPeers()
    {
        var grant = await CliNodes.GrantAsync(_analyst, _bureau, "ids", "id_number", "psi-count,row-count", "count", "metrics", 1);
        var result = await CliNodes.RunJobAsync(_analyst, "--kind", "psi-count", "--grant", grant, "--columns", "id_number", "--input", "ids:id_number");
        var refused = await CliNodes.SubmitJobAsync(_analyst, "--kind", "row-count", "--grant", grant);
        var unauthenticated = await new Cli.Tests.CliRunner(token: "pn_not-a-token").RunAsync(["job", "list", "--data-dir", _insurer.DataDirectory]);

        var insurer = await ScrapeAsync(_insurer);
        var bureau = await ScrapeAsync(_bureau);

        Assert.NotEqual(ExitCodes.Success, refused.Code);
        Assert.Equal(ExitCodes.Denied, unauthenticated.Code);
        Assert.Equal(1, Value(insurer, "privacynode_jobs_total", "kind=\"psi-count\",state=\"succeeded\""));
        Assert.Equal(1, Value(insurer, "privacynode_jobs_total", "kind=\"row-count\",state=\"failed\""));
        Assert.Equal(1, Value(insurer, "privacynode_job_duration_seconds_count", "kind=\"psi-count\",state=\"succeeded\""));
        Assert.Equal(0, Value(insurer, "privacynode_jobs_running", "kind=\"psi-count\""));
        foreach (var (metrics, peer) in new[] { (insurer, "bureau"), (bureau, "insurer") })
        {
            Assert.True(Value(metrics, "privacynode_peer_bytes_total", $"peer=\"{peer}\",direction=\"sent\"") > 1000);
            Assert.True(Value(metrics, "privacynode_peer_bytes_total", $"peer=\"{peer}\",direction=\"received\"") > 1000);
            Assert.True(Value(metrics, "privacynode_peer_last_contact_timestamp_seconds", $"peer=\"{peer}\"") > DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds());
            Assert.True(Value(metrics, "privacynode_audit_records", null) > 5);
            Assert.True(Value(metrics, "privacynode_certificate_expiry_timestamp_seconds", null) > DateTimeOffset.UtcNow.AddYears(1).ToUnixTimeSeconds());
        }

        // The job's only stream: the peer's counters and the job's own figures are one count.
        foreach (var direction in new[] { "sent", "received" })
        {
            var counted = result.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "bytes_" + direction).GetProperty("value").GetString();
            Assert.Equal(double.Parse(counted!, CultureInfo.InvariantCulture), Value(insurer, "privacynode_peer_bytes_total", $"peer=\"bureau\",direction=\"{direction}\""));
        }

        Assert.Equal(1, Value(insurer, "privacynode_peer_up", "peer=\"bureau\""));
        Assert.True(Value(bureau, "privacynode_peer_certificate_expiry_timestamp_seconds", "peer=\"insurer\"") > DateTimeOffset.UtcNow.AddYears(1).ToUnixTimeSeconds());
        Assert.Equal(1, Value(bureau, "privacynode_refused_calls_total", "endpoint=\"peer\",reason=\"uses-exhausted\""));
        Assert.True(Value(insurer, "privacynode_refused_calls_total", "endpoint=\"local\",reason=\"unauthenticated\"") >= 1);
        Assert.DoesNotContain("ids:", insurer + bureau, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_NonLoopbackListen_IsRefused()
    {
        var node = await _nodes.InitAsync("exposed");

        var ex = await Assert.ThrowsAsync<NodeException>(() => NodeHost.StartAsync(node.DataDirectory, [new("Node:Metrics:Listen", "0.0.0.0:0")], _ => { }));

        Assert.Contains("must be a loopback address", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<string> ScrapeAsync(CliNodes.Handle node)
    {
        using var http = new HttpClient();
        return await http.GetStringAsync(new Uri(NodeRuntimeInfo.TryRead(node.DataDirectory)!.Metrics!));
    }

    /// <summary>The value of the sample <paramref name="name"/>{<paramref name="labels"/>} (no braces when null); fails if it is missing.</summary>
    private static double Value(string exposition, string name, string? labels)
    {
        var sample = labels is null ? name : $"{name}{{{labels}}}";
        var line = exposition.Split('\n').FirstOrDefault(l => l.StartsWith(sample + " ", StringComparison.Ordinal));
        Assert.True(line is not null, $"no sample {sample} in:\n{string.Join('\n', exposition.Split('\n').Where(l => l.StartsWith("privacynode_", StringComparison.Ordinal)))}");
        return double.Parse(line[(sample.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
