using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Psi;
using PrivacyNode.Rpc;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>
/// Issue 16: the promise holds against a requester that repeats jobs within its grant, runs modified software or probes
/// with crafted calls. Each test names the finding of the security review it covers.
/// </summary>
public sealed class CounterpartTests : IAsyncLifetime
{
    private const int Claims = 60;
    private readonly CliNodes _nodes = new();
    private CliNodes.Handle _insurer = null!;
    private CliNodes.Handle _bureau = null!;
    private CliNodes.Handle _analyst = null!;

    public async Task InitializeAsync()
    {
        (_insurer, _bureau, _analyst) = await _nodes.PairedAsync();
        var claims = new StringBuilder("id_number,amount,hospital\n");
        for (var i = 0; i < Claims; i++)
        {
            claims.Append(CultureInfo.InvariantCulture, $"{ControlPlaneTests.ResidentId(i)},{1000 + i},H{i % 3}\n");
        }

        var csv = Path.Combine(_nodes.Root, "claims.csv");
        await File.WriteAllTextAsync(csv, claims.ToString());
        await CliNodes.CliOkAsync(_bureau, "dataset", "add", "claims", "--csv", csv, "--grade", "L2", "--sharing", "conditional",
            "--key", "id_number:cn-resident-id", "--owner-unit", "Medical Insurance Bureau", "--responsible", "Wang Fang");
    }

    public async Task DisposeAsync() => await _nodes.StopAllAsync();

    [Fact]
    public async Task Finding2_PsiCount_NeverRunsUnderAKeyThatServedAnotherJob()
    {
        var grant = await GrantAsync("psi,psi-count", "membership,count");
        using var rogue = new RogueRequester(_insurer, "insurer", _bureau, "bureau");
        using var requester = new PsiRequester();
        var blinded = requester.Blind([.. Enumerable.Range(0, Claims).Select(i => Encoding.UTF8.GetBytes(ControlPlaneTests.ResidentId(i)))]);

        var membership = await EvaluationsAsync(rogue, grant, "psi", "membership", blinded);
        var count = await EvaluationsAsync(rogue, grant, "psi-count", "count", blinded);
        var again = await EvaluationsAsync(rogue, grant, "psi-count", "count", blinded);

        // The same blinded keys evaluated under one key give the same elements: a psi-count under psi's cached key, or under
        // another psi-count's, would let the requester label its tags across jobs.
        Assert.Equal(Claims, count.Count);
        Assert.Empty(count.Intersect(membership));
        Assert.Empty(count.Intersect(again));
    }

    [Fact]
    public async Task Finding3_GrantNarrowedToCount_DoesNotAdmitPsiWithModeCount()
    {
        var grant = await GrantAsync("psi,psi-count", "membership,count", "--outputs", "count");
        var held = JsonDocument.Parse(await CliNodes.CliOkAsync(_analyst, "grant", "list", "--json")).RootElement.GetProperty("grants")[0].GetProperty("terms");
        Assert.Equal(["psi-count"], held.GetProperty("jobKinds").EnumerateArray().Select(k => k.GetString()));
        using var rogue = new RogueRequester(_insurer, "insurer", _bureau, "bureau");
        using var requester = new PsiRequester();
        var blinded = requester.Blind([.. Enumerable.Range(0, Claims).Select(i => Encoding.UTF8.GetBytes(ControlPlaneTests.ResidentId(i)))]);

        foreach (var kind in new[] { "psi", "psi-payload" })
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() => EvaluationsAsync(rogue, grant, kind, "count", blinded));
            Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        }

        Assert.Equal(Claims, (await EvaluationsAsync(rogue, grant, "psi-count", "count", blinded)).Count);
        var filed = await CliNodes.CliAsync(_analyst, "request", "file", "--peer", "bureau", "--dataset", "claims", "--columns", "id_number",
            "--kinds", "psi,psi-count", "--outputs", "count", "--purpose", "p", "--purpose-code", "c", "--to", "2099-12-31", "--responsible", "Zhao Lei");
        Assert.NotEqual(0, filed.Code);
        Assert.Contains("psi: membership", filed.Error + filed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finding7_UnreadableDataset_RefusalNamesNoPathOrError()
    {
        var grant = await GrantAsync("row-count,psi", "count,membership");
        var csv = Path.Combine(_nodes.Root, "claims.csv");
        File.Copy(csv, csv + ".copy");
        await CliNodes.CliOkAsync(_insurer, "dataset", "add", "claims-copy", "--csv", csv + ".copy", "--grade", "L2", "--sharing", "not-shared",
            "--key", "id_number:cn-resident-id", "--owner-unit", "Insurer", "--responsible", "Zhao Lei");
        File.Move(csv, csv + ".moved");

        var refused = new[]
        {
            await CliNodes.SubmitJobAsync(_analyst, "--kind", "row-count", "--grant", grant),
            await CliNodes.SubmitJobAsync(_analyst, "--kind", "psi", "--grant", grant, "--columns", "id_number", "--input", "claims-copy:id_number"),
        };

        foreach (var (code, output, error) in refused)
        {
            Assert.NotEqual(0, code);
            Assert.DoesNotContain(_nodes.Root, output + error, StringComparison.Ordinal);
            Assert.DoesNotContain("claims.csv", output + error, StringComparison.Ordinal);
        }

        Assert.Contains("cannot read the granted dataset", refused[0].Output, StringComparison.Ordinal);
        var provided = (await CliNodes.CliOkAsync(await CliNodes.AddUserAsync(_bureau, "audit.b", "auditor"), "audit", "export")).Split('\n');
        Assert.Contains(provided, line => line.Contains("dataset-unreadable", StringComparison.Ordinal) && line.Contains("claims.csv", StringComparison.Ordinal));
    }

    private static async Task<HashSet<string>> EvaluationsAsync(RogueRequester rogue, string grant, string kind, string output, byte[] blinded)
    {
        var spec = Spec(grant, kind, output, "id_number");
        var responses = await rogue.PsiAsync(
            new PsiRequest { Admission = rogue.Admit("job-" + Guid.NewGuid().ToString("N"), spec, blinded.Length / 32) },
            new PsiRequest { Blinded = new PsiElements { Elements = ByteString.CopyFrom(blinded) } },
            new PsiRequest { BlindedDone = new PsiBlindedDone { Count = (ulong)(blinded.Length / 32) } });
        var evaluated = responses.Where(r => r.MessageCase == PsiResponse.MessageOneofCase.Evaluated).SelectMany(r => r.Evaluated.Elements.Chunk(32)).ToList();
        return [.. evaluated.Select(Convert.ToHexString)];
    }

    private static JobSpec Spec(string grant, string kind, string output, params string[] columns)
    {
        var spec = new JobSpec { Kind = kind, Peer = "bureau", GrantId = grant, Dataset = "claims", OutputMode = output, PurposeCode = "claims-fraud-check" };
        spec.Columns.AddRange(columns);
        return spec;
    }

    /// <summary>The analyst asks for, and the bureau approves, a grant on claims for <paramref name="kinds"/>; returns its id.</summary>
    private async Task<string> GrantAsync(string kinds, string outputs, params string[] approveOptions)
    {
        await CliNodes.CliOkAsync(_analyst, "request", "file", "--peer", "bureau", "--dataset", "claims", "--columns", "id_number,amount,hospital",
            "--kinds", kinds, "--outputs", outputs, "--purpose", "Fraud review 2026", "--purpose-code", "claims-fraud-check",
            "--to", "2099-12-31", "--responsible", "Zhao Lei");
        var requests = JsonDocument.Parse(await CliNodes.CliOkAsync(_bureau, "request", "list", "--incoming", "--json")).RootElement.GetProperty("requests");
        var requestId = requests.EnumerateArray().Last().GetProperty("id").GetString()!;
        await CliNodes.CliOkAsync(_bureau, ["request", "approve", requestId, "--peer", "insurer", "--max-uses", "20", "--responsible", "Wang Fang", .. approveOptions]);
        var grants = JsonDocument.Parse(await CliNodes.CliOkAsync(_analyst, "grant", "list", "--json")).RootElement.GetProperty("grants");
        return grants.EnumerateArray().Single(g => g.GetProperty("requestId").GetString() == requestId).GetProperty("id").GetString()!;
    }
}
