using System.Globalization;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using PrivacyNode.Contracts.V1;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>
/// The rr22 suite between two nodes through the CLI: the default for psi from 4096 requester keys, the same answers as ECDH for psi
/// and psi-payload, refused for psi-count, refused by a grant that allows other suites only, malformed VOLE messages answered with
/// INVALID_ARGUMENT and an audit record, and both audit logs naming the suite.
/// </summary>
public sealed class PsiVoleJobTests : IAsyncLifetime
{
    private readonly CliNodes _nodes = new();
    private readonly HashSet<string> _grants = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.StopAllAsync();

    [Fact]
    public async Task Rr22_AgreesWithEcdhAndFollowsTheGrant()
    {
        var (insurer, bureau, analyst) = await _nodes.PairedAsync();

        // The bureau holds people 0..5999 with an amount; the insurer's 6000 claimants are 3000..8999: 3000 in common.
        var claims = new StringBuilder("id_number,amount\n");
        for (var i = 0; i < 6000; i++)
        {
            claims.Append(CultureInfo.InvariantCulture, $"{Person(i)},{1000 + i}\n");
        }

        await File.WriteAllTextAsync(Path.Combine(_nodes.Root, "claims.csv"), claims.ToString());
        await File.WriteAllLinesAsync(Path.Combine(_nodes.Root, "claimants.csv"), ["id_number", .. Enumerable.Range(3000, 6000).Select(Person)]);
        await CliNodes.CliOkAsync(bureau, "dataset", "add", "claims", "--csv", Path.Combine(_nodes.Root, "claims.csv"), "--grade", "L2", "--sharing", "conditional",
            "--key", "id_number:cn-resident-id", "--owner-unit", "Medical Insurance Bureau", "--responsible", "Wang Fang");
        await CliNodes.CliOkAsync(insurer, "dataset", "add", "claimants", "--csv", Path.Combine(_nodes.Root, "claimants.csv"), "--grade", "L2", "--sharing", "not-shared",
            "--key", "id_number:cn-resident-id", "--owner-unit", "Insurer", "--responsible", "Zhao Lei");
        var grant = await GrantAsync(analyst, bureau, []);

        // psi names no suite: 6000 keys choose rr22. The same job on ristretto255 finds the same rows.
        var vole = await CliNodes.RunJobAsync(analyst, "--kind", "psi", "--grant", grant, "--input", "claimants:id_number");
        var ecdh = await CliNodes.RunJobAsync(analyst, "--kind", "psi", "--grant", grant, "--input", "claimants:id_number", "--suite", "ristretto255-sha512");
        Assert.Equal("3000", Metric(vole, "intersection_size"));
        Assert.Equal(Rows(ecdh), Rows(vole));
        Assert.Equal(Enumerable.Range(3000, 3000).Select(Person).ToHashSet(), Rows(vole).Select(r => r.Split('|')[1]).ToHashSet());

        // psi-payload on rr22: each match with its amount.
        var payload = await CliNodes.RunJobAsync(analyst, "--kind", "psi-payload", "--grant", grant, "--columns", "id_number,amount", "--input", "claimants:id_number", "--suite", "rr22");
        var amounts = payload.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("values")).ToList();
        Assert.Equal(3000, amounts.Count);
        Assert.All(amounts, v => Assert.Equal(Person(int.Parse(v[2].GetString()!, CultureInfo.InvariantCulture) - 1000), v[1].GetString()));

        // The grant's guards hold as for ECDH: a requester set below the grant's 50 keys is refused by the provider.
        await File.WriteAllLinesAsync(Path.Combine(_nodes.Root, "few.csv"), ["id_number", .. Enumerable.Range(3000, 10).Select(Person)]);
        await CliNodes.CliOkAsync(insurer, "dataset", "add", "few", "--csv", Path.Combine(_nodes.Root, "few.csv"), "--grade", "L2", "--sharing", "not-shared",
            "--key", "id_number:cn-resident-id", "--owner-unit", "Insurer", "--responsible", "Zhao Lei");
        Assert.Contains("requester-set-too-small", (await CliNodes.SubmitJobAsync(analyst, "--kind", "psi", "--grant", grant, "--input", "few:id_number", "--suite", "rr22")).Output, StringComparison.Ordinal);

        // rr22 reveals membership to the requester, so psi-count does not run on it.
        Assert.Contains("psi-count", (await CliNodes.SubmitJobAsync(analyst, "--kind", "psi-count", "--grant", grant, "--input", "claimants:id_number", "--suite", "rr22")).Error, StringComparison.Ordinal);

        // Malformed VOLE messages: a start longer than 6000 keys' (about 560 KB), and a call that ends before the start is complete.
        using (var rogue = new RogueRequester(insurer, "insurer", bureau, "bureau"))
        {
            var spec = new JobSpec { Kind = "psi", Peer = "bureau", GrantId = grant, Dataset = "claims", OutputMode = "membership", PurposeCode = "claims-fraud-check", PsiSuite = "rr22" };
            spec.Columns.Add("id_number");
            PsiRequest[] broken =
            [
                new() { VoleStart = new PsiVoleData { Data = Google.Protobuf.ByteString.CopyFrom(new byte[1 << 20]) } },
                new() { VoleStart = new PsiVoleData { Data = Google.Protobuf.ByteString.CopyFrom(new byte[10]) } },
            ];
            for (var i = 0; i < broken.Length; i++)
            {
                var ex = await Assert.ThrowsAsync<RpcException>(async () => await rogue.PsiAsync(new PsiRequest { Admission = rogue.Admit($"job-vole-probe-{i}", spec, 6000) }, broken[i]));
                Assert.True(ex.StatusCode == StatusCode.InvalidArgument, $"probe {i}: {ex.StatusCode} {ex.Status.Detail}");
            }
        }

        // A grant for the national-standard suite only refuses an rr22 job at the provider.
        var national = await GrantAsync(analyst, bureau, ["--psi-suites", "sm2-sm3"]);
        Assert.Contains("suite-not-granted", (await CliNodes.SubmitJobAsync(analyst, "--kind", "psi", "--grant", national, "--input", "claimants:id_number", "--suite", "rr22")).Output, StringComparison.Ordinal);

        // Both audit logs name the suite of every job.
        var log = Path.Combine(_nodes.Root, "bureau.jsonl");
        await CliNodes.CliOkAsync(await CliNodes.AddUserAsync(bureau, "audit.b", "auditor"), "audit", "export", "--out", log);
        var records = File.ReadLines(log).Skip(1).Select(l => JsonDocument.Parse(l).RootElement).Where(r => r.GetProperty("action").GetString() == "job.provide").ToList();
        Assert.Equal(["rr22", "ristretto255-sha512", "rr22"], records.Where(r => r.GetProperty("outcome").GetString() == "ok").Select(r => CliNodes.AuditDetail(r, "suite")));
        Assert.Equal(["malformed-message", "malformed-message"], records.Where(r => r.GetProperty("outcome").GetString() == "error").Select(r => r.GetProperty("reasonCode").GetString()));
        var insurerLog = Path.Combine(_nodes.Root, "insurer.jsonl");
        await CliNodes.CliOkAsync(await CliNodes.AddUserAsync(insurer, "audit.i", "auditor"), "audit", "export", "--out", insurerLog);
        Assert.Equal(["rr22", "ristretto255-sha512", "rr22"], File.ReadLines(insurerLog).Skip(1).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("action").GetString() == "job.succeeded").Select(r => CliNodes.AuditDetail(r, "suite")));
    }

    private async Task<string> GrantAsync(CliNodes.Handle analyst, CliNodes.Handle bureau, string[] extra)
    {
        await CliNodes.CliOkAsync(analyst, "request", "file", "--peer", "bureau", "--dataset", "claims", "--columns", "id_number,amount",
            "--kinds", "psi,psi-count,psi-payload", "--outputs", "membership,count,payload", "--purpose", "Fraud review 2026", "--purpose-code", "claims-fraud-check",
            "--to", "2099-12-31", "--responsible", "Zhao Lei");
        var pending = JsonDocument.Parse(await CliNodes.CliOkAsync(bureau, "request", "list", "--incoming", "--json")).RootElement.GetProperty("requests")
            .EnumerateArray().First(r => r.GetProperty("state").GetString() == "REQUEST_STATE_PENDING").GetProperty("id").GetString()!;
        await CliNodes.CliOkAsync(bureau, ["request", "approve", pending, "--peer", "insurer", "--max-uses", "10", "--min-requester-set-size", "50", "--responsible", "Wang Fang", .. extra]);
        return JsonDocument.Parse(await CliNodes.CliOkAsync(analyst, "grant", "list", "--json")).RootElement.GetProperty("grants")
            .EnumerateArray().Select(g => g.GetProperty("id").GetString()!).Except(_grants).Single(id => _grants.Add(id));
    }

    /// <summary>A synthetic resident ID (GB 11643 check character) for person <paramref name="i"/> (0 ≤ i &lt; 100000).</summary>
    private static string Person(int i)
    {
        var body = "110105" + (1990 + (i / 1000)).ToString(CultureInfo.InvariantCulture) + "0101" + (i % 1000).ToString("D3", CultureInfo.InvariantCulture);
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        return body + "10X98765432"[body.Select((c, k) => (c - '0') * weights[k]).Sum() % 11];
    }

    private static List<string> Rows(JsonElement result) =>
        [.. result.GetProperty("rows").EnumerateArray().Select(r => string.Join('|', r.GetProperty("values").EnumerateArray().Select(v => v.GetString()))).Order(StringComparer.Ordinal)];

    private static string Metric(JsonElement result, string name) =>
        result.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("name").GetString() == name).GetProperty("value").GetString()!;
}
