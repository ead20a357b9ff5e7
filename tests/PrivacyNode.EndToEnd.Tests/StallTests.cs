using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Psi;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>
/// Issue 20, faults: a peer that stalls, with its connection up, is cut off after Node:Jobs:PeerIdleSeconds (three seconds here)
/// with a reason that says so, whichever side it is on; the nodes then run the next job normally and their audit logs verify.
/// </summary>
public sealed class StallTests : IAsyncLifetime
{
    private const int Keys = 800;
    private const int Common = 600;
    private static readonly KeyValuePair<string, string?>[] Impatient = [new("Node:Jobs:PeerIdleSeconds", "3")];
    private readonly CliNodes _nodes = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.StopAllAsync();

    [Fact]
    public async Task ProviderFrozen_FailsTheJob_WithTheReason()
    {
        await using var proxy = new StallingProxy();
        var insurer = await _nodes.InitAndServeAsync("insurer", overrides: Impatient);
        var bureau = await _nodes.InitAndServeAsync("bureau", overrides: [.. Impatient, new("Node:PeerEndpoint:Advertise", proxy.EndPoint.ToString())]);
        proxy.RelayTo(System.Net.IPEndPoint.Parse(NodeRuntimeInfo.TryRead(bureau.DataDirectory)!.Peer));
        await CliNodes.PairAsync(insurer, bureau);
        var analyst = await CliNodes.AddUserAsync(insurer, "li.na", "analyst");
        var grant = await GrantAsync(insurer, bureau, analyst);

        proxy.Stall();
        var job = JsonDocument.Parse(await CliNodes.CliOkAsync(analyst, "job", "submit", "--kind", "psi", "--grant", grant, "--input", "mine:id_number", "--json"))
            .RootElement.GetProperty("id").GetString()!;
        await CliNodes.CliAsync(analyst, "job", "watch", job);

        var failed = JsonDocument.Parse(await CliNodes.CliOkAsync(analyst, "job", "show", job, "--json")).RootElement;
        Assert.Equal("JOB_STATE_FAILED", failed.GetProperty("state").GetString());
        Assert.Matches("(sent nothing|took nothing we sent) for 3 s", failed.GetProperty("failureMessage").GetString()!);
        await RecordsAsync(insurer);
    }

    [Fact]
    public async Task RequesterSilentAfterAdmission_IsCutOffByTheProvider()
    {
        var insurer = await _nodes.InitAndServeAsync("insurer", overrides: Impatient);
        var bureau = await _nodes.InitAndServeAsync("bureau", overrides: Impatient);
        await CliNodes.PairAsync(insurer, bureau);
        var analyst = await CliNodes.AddUserAsync(insurer, "li.na", "analyst");
        var grant = await GrantAsync(insurer, bureau, analyst);
        using var rogue = new RogueRequester(insurer, "insurer", bureau, "bureau");
        var spec = new JobSpec { Kind = "psi", Peer = "bureau", GrantId = grant, Dataset = "theirs", OutputMode = "membership", PurposeCode = "stall", Columns = { "id_number" } };
        using var requester = new PsiRequester();
        var blinded = requester.Blind([.. Enumerable.Range(0, 200).Select(i => Encoding.UTF8.GetBytes(ControlPlaneTests.ResidentId(i)))]);

        var started = DateTime.UtcNow;
        var ended = await rogue.PsiThenSilenceAsync(
            new PsiRequest { Admission = rogue.Admit("job-stalling", spec, 200) },
            new PsiRequest { Blinded = new PsiElements { Elements = ByteString.CopyFrom(blinded[..(32 * 100)]) } });

        Assert.Equal(StatusCode.DeadlineExceeded, ended.StatusCode);
        Assert.Contains("sent nothing for 3 s", ended.Status.Detail, StringComparison.Ordinal);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30));
        var records = await RecordsAsync(bureau);
        Assert.Contains(records, r => r.GetProperty("action").GetString() == "job.provide" && r.GetProperty("outcome").GetString() == "error" && r.GetProperty("jobId").GetString() == "job-stalling");

        // The provider serves the next job as usual.
        var result = await CliNodes.RunJobAsync(analyst, "--kind", "psi", "--grant", grant, "--input", "mine:id_number");
        Assert.Equal(Common.ToString(CultureInfo.InvariantCulture), result.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "intersection_size").GetProperty("value").GetString());
    }

    private async Task<string> GrantAsync(CliNodes.Handle insurer, CliNodes.Handle bureau, CliNodes.Handle analyst)
    {
        foreach (var (node, name, first, sharing) in new[] { (insurer, "mine", 0, "not-shared"), (bureau, "theirs", Keys - Common, "conditional") })
        {
            var rows = new StringBuilder("id_number\n");
            for (var i = first; i < first + Keys; i++)
            {
                rows.Append(ControlPlaneTests.ResidentId(i)).Append('\n');
            }

            var path = Path.Combine(_nodes.Root, name + ".csv");
            await File.WriteAllTextAsync(path, rows.ToString());
            await CliNodes.CliOkAsync(node, "dataset", "add", name, "--csv", path, "--grade", "L2", "--sharing", sharing, "--key", "id_number:cn-resident-id",
                "--owner-unit", "Stall", "--responsible", "Stall");
        }

        return await CliNodes.GrantAsync(analyst, bureau, "theirs", "id_number", "psi", "membership", "stall", 5);
    }

    private static async Task<List<JsonElement>> RecordsAsync(CliNodes.Handle node)
    {
        var auditor = await CliNodes.AddUserAsync(node, "stall.auditor" + Guid.NewGuid().ToString("N")[..6], "auditor");
        return (await CliNodes.AuditExportAsync(auditor)).Records;
    }
}
