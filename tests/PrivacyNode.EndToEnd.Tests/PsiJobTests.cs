using System.Globalization;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>
/// psi, psi-count and psi-payload between two nodes through the CLI, checked against the plaintext
/// intersection: invalid and duplicate keys, full-width and lower-case input, the grant's minimum
/// requester set size and minimum result size, and what each side's audit log records.
/// </summary>
public sealed class PsiJobTests : IAsyncLifetime
{
    private readonly CliNodes _nodes = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.StopAllAsync();

    [Fact]
    public async Task PsiKinds_RevealWhatTheGrantAllows()
    {
        var (insurer, bureau, analyst) = await _nodes.PairedAsync();

        // The bureau holds IDs 0..59 with an amount; the insurer's claimants are 40..99, one written in
        // lower case and one duplicated, plus one invalid ID. The intersection is 40..59: 20 people.
        var claims = new StringBuilder("id_number,amount,hospital\n");
        for (var i = 0; i < 60; i++)
        {
            claims.Append(CultureInfo.InvariantCulture, $"{ControlPlaneTests.ResidentId(i)},{1000 + i},H{i % 3}\n");
        }

        var claimants = new StringBuilder("name,id_number\n");
        for (var i = 40; i < 100; i++)
        {
            var id = ControlPlaneTests.ResidentId(i);
            claimants.Append(CultureInfo.InvariantCulture, $"person {i},{(i == 45 ? id.ToLowerInvariant() : id)}\n");
        }

        claimants.Append(CultureInfo.InvariantCulture, $"again,{ControlPlaneTests.ResidentId(50)}\nbroken,12345\n");
        await File.WriteAllTextAsync(Path.Combine(_nodes.Root, "claims.csv"), claims.ToString());
        await File.WriteAllTextAsync(Path.Combine(_nodes.Root, "claimants.csv"), claimants.ToString());
        await CliNodes.CliOkAsync(bureau, "dataset", "add", "claims", "--csv", Path.Combine(_nodes.Root, "claims.csv"), "--grade", "L2", "--sharing", "conditional",
            "--key", "id_number:cn-resident-id", "--owner-unit", "Medical Insurance Bureau", "--responsible", "Wang Fang");
        await CliNodes.CliOkAsync(insurer, "dataset", "add", "claimants", "--csv", Path.Combine(_nodes.Root, "claimants.csv"), "--grade", "L2", "--sharing", "not-shared",
            "--key", "id_number:cn-resident-id", "--owner-unit", "Insurer", "--responsible", "Zhao Lei");

        await CliNodes.CliOkAsync(analyst, "request", "file", "--peer", "bureau", "--dataset", "claims", "--columns", "id_number,amount",
            "--kinds", "psi,psi-count,psi-payload", "--outputs", "membership,count,payload", "--purpose", "Fraud review 2026", "--purpose-code", "claims-fraud-check",
            "--to", "2099-12-31", "--responsible", "Zhao Lei");
        var requestId = JsonDocument.Parse(await CliNodes.CliOkAsync(bureau, "request", "list", "--incoming", "--json")).RootElement.GetProperty("requests")[0].GetProperty("id").GetString()!;
        await CliNodes.CliOkAsync(bureau, "request", "approve", requestId, "--peer", "insurer", "--max-uses", "10", "--min-requester-set-size", "50",
            "--min-result-size", "5", "--responsible", "Wang Fang");
        var grant = JsonDocument.Parse(await CliNodes.CliOkAsync(analyst, "grant", "list", "--json")).RootElement.GetProperty("grants")[0].GetProperty("id").GetString()!;
        var expected = Enumerable.Range(40, 20).Select(ControlPlaneTests.ResidentId).ToHashSet();

        // psi: which of my rows are in the intersection (the duplicate key's two rows both appear). The key column is the grant's first.
        var membership = await CliNodes.RunJobAsync(analyst, "--kind", "psi", "--grant", grant, "--input", "claimants:id_number");
        var rows = membership.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("values")).ToList();
        Assert.Equal(21, rows.Count);
        Assert.Equal(expected, rows.Select(r => r[1].GetString()!).ToHashSet());
        Assert.Equal("20", Metric(membership, "intersection_size"));
        Assert.Equal("60", Metric(membership, "requester_set_size"));
        Assert.Equal("1", Metric(membership, "requester_invalid_keys"));
        Assert.Equal("60", Metric(membership, "provider_set_size"));

        // Results are read in pages: the last page from offset 20 holds one row of 21.
        using (var local = GrpcChannel.ForAddress(NodeRuntimeInfo.TryRead(analyst.DataDirectory)!.Local))
        {
            var page = await new JobService.JobServiceClient(local).GetJobResultAsync(new GetJobResultRequest { JobId = membership.GetProperty("jobId").GetString()!, Offset = 20, Limit = 5 }, new CallOptions(new Metadata { { "authorization", "Bearer " + analyst.Token } }));
            Assert.Equal((21UL, 1), (page.TotalRows, page.Result.Rows.Count));
            var capped = JsonDocument.Parse(await CliNodes.CliOkAsync(analyst, "job", "result", membership.GetProperty("jobId").GetString()!, "--max-rows", "3", "--json")).RootElement;
            Assert.Equal(("21", 3), (capped.GetProperty("totalRows").GetString(), capped.GetProperty("result").GetProperty("rows").GetArrayLength()));

            // The stored spec is the one that ran: completed at submit, not at run time.
            var stored = (await new JobService.JobServiceClient(local).GetJobAsync(new GetJobRequest { JobId = membership.GetProperty("jobId").GetString()! }, new CallOptions(new Metadata { { "authorization", "Bearer " + analyst.Token } }))).Job.Spec;
            Assert.Equal(["id_number"], stored.Columns);
            Assert.Equal(Crypto.Psi.PsiSuite.Find(string.Empty)!.Name, stored.PsiSuite);
            Assert.Equal("20", page.Result.Metrics.Single(m => m.Name == "intersection_size").Value.ToString(CultureInfo.InvariantCulture));
        }

        // A requester that sends malformed PSI messages gets INVALID_ARGUMENT, whatever it sends.
        await ProbeMalformedStreamsAsync(insurer, bureau, grant);

        // psi-count: the size only.
        var count = await CliNodes.RunJobAsync(analyst, "--kind", "psi-count", "--grant", grant, "--columns", "id_number", "--input", "claimants:id_number");
        Assert.Equal("20", Metric(count, "intersection_size"));
        Assert.False(count.TryGetProperty("rows", out var countRows) && countRows.GetArrayLength() > 0);

        // psi-payload: the granted amount for matches; a column outside the grant is refused by the provider.
        var payload = await CliNodes.RunJobAsync(analyst, "--kind", "psi-payload", "--grant", grant, "--columns", "id_number,amount", "--input", "claimants:id_number");
        var amounts = payload.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("values")).ToDictionary(r => r[0].GetString()!, r => (r[1].GetString()!, r[2].GetString()!));
        Assert.Equal(21, amounts.Count);
        Assert.All(amounts.Values, v => Assert.Equal(ControlPlaneTests.ResidentId(int.Parse(v.Item2, CultureInfo.InvariantCulture) - 1000), v.Item1));
        // The same job on the national-standard suite (SM2, SM3, SM4-GCM) gives the same answer; an unknown suite is refused.
        var national = await CliNodes.RunJobAsync(analyst, "--kind", "psi-payload", "--grant", grant, "--columns", "id_number,amount", "--input", "claimants:id_number", "--suite", "sm2-sm3");
        Assert.Equal(
            amounts.OrderBy(a => a.Key).Select(a => (a.Key, a.Value.Item1, a.Value.Item2)),
            national.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("values")).Select(r => (r[0].GetString()!, r[1].GetString()!, r[2].GetString()!)).OrderBy(r => r.Item1));
        Assert.Contains("sm2-sm3", (await CliNodes.SubmitJobAsync(analyst, "--kind", "psi", "--grant", grant, "--columns", "id_number", "--input", "claimants:id_number", "--suite", "p256")).Error, StringComparison.Ordinal);
        var outside = await CliNodes.SubmitJobAsync(analyst, "--kind", "psi-payload", "--grant", grant, "--columns", "id_number,hospital", "--input", "claimants:id_number");
        Assert.Contains("column-not-granted", outside.Output, StringComparison.Ordinal);

        // The grant's floors: a requester set below 50 is refused by the provider; fewer than 5 matches are suppressed by the requester's node.
        await AddInputAsync(insurer, "tiny", Enumerable.Range(40, 10));
        await AddInputAsync(insurer, "sparse", Enumerable.Range(58, 2).Concat(Enumerable.Range(200, 48)));
        Assert.Contains("requester-set-too-small", (await CliNodes.SubmitJobAsync(analyst, "--kind", "psi", "--grant", grant, "--columns", "id_number", "--input", "tiny:id_number")).Output, StringComparison.Ordinal);
        Assert.Contains("result-below-minimum", (await CliNodes.SubmitJobAsync(analyst, "--kind", "psi", "--grant", grant, "--columns", "id_number", "--input", "sparse:id_number")).Output, StringComparison.Ordinal);

        // psi reuses the provider's cached tags until its data changes; then the tags are rebuilt under a
        // fresh OPRF key, and the result follows the data. psi-count always runs under a fresh key.
        Assert.Equal("20", Metric(await CliNodes.RunJobAsync(analyst, "--kind", "psi", "--grant", grant, "--columns", "id_number", "--input", "claimants:id_number"), "intersection_size"));
        var claimsCsv = Path.Combine(_nodes.Root, "claims.csv");
        await File.AppendAllTextAsync(claimsCsv, $"{ControlPlaneTests.ResidentId(60)},1060,H0\nnot-an-id,1,H0\n");
        File.SetLastWriteTimeUtc(claimsCsv, DateTime.UtcNow.AddSeconds(5));
        var changed = await CliNodes.RunJobAsync(analyst, "--kind", "psi", "--grant", grant, "--columns", "id_number", "--input", "claimants:id_number");
        Assert.Equal(("21", "61"), (Metric(changed, "intersection_size"), Metric(changed, "provider_set_size")));

        // Both audit logs record sizes for every job, never keys.
        var bureauAuditor = await CliNodes.AddUserAsync(bureau, "audit.b", "auditor");
        var log = Path.Combine(_nodes.Root, "bureau.jsonl");
        await CliNodes.CliOkAsync(bureauAuditor, "audit", "export", "--out", log);
        var records = File.ReadLines(log).Skip(1).Select(l => JsonDocument.Parse(l).RootElement).Where(r => r.GetProperty("action").GetString() == "job.provide").ToList();
        var provided = records.Where(r => r.GetProperty("outcome").GetString() == "ok").ToList();
        // The three malformed probes each left an error record at the provider.
        Assert.Equal(["malformed-message", "malformed-message", "malformed-message"],
            records.Where(r => r.GetProperty("outcome").GetString() == "error").Select(r => r.GetProperty("reasonCode").GetString()));
        Assert.Equal(7, provided.Count);
        Assert.All(provided, r => Assert.Contains("\"requester_set_size\"", r.GetRawText(), StringComparison.Ordinal));
        Assert.Equal(["ristretto255-sha512", "ristretto255-sha512", "ristretto255-sha512", "sm2-sm3", "ristretto255-sha512", "ristretto255-sha512", "ristretto255-sha512"],
            provided.Select(r => CliNodes.AuditDetail(r, "suite")));
        var keys = provided.Select(r => (CliNodes.AuditDetail(r, "oprf_key"), CliNodes.AuditDetail(r, "tag_cache"), CliNodes.AuditDetail(r, "provider_invalid"))).ToList();
        var first = keys[0].Item1;
        Assert.StartsWith("cached:", first, StringComparison.Ordinal);
        Assert.Equal(
            [(first, "built", "0"), ("fresh", "", "0"), ("fresh", "", "0"), ("fresh", "", "0"), (first, "hit", "0"), (first, "hit", "0")],
            keys.Take(6));
        Assert.NotEqual(first, keys[6].Item1);
        Assert.Equal(("built", "1"), (keys[6].Item2, keys[6].Item3));
        Assert.DoesNotContain("110105", File.ReadAllText(log), StringComparison.Ordinal);
    }

    /// <summary>Speaks PeerJobService.Psi as the insurer would, with validly signed receipts, but with broken messages after the admission.</summary>
    private static async Task ProbeMalformedStreamsAsync(CliNodes.Handle insurer, CliNodes.Handle bureau, string grant)
    {
        using var rogue = new RogueRequester(insurer, "insurer", bureau, "bureau");
        PsiRequest[] broken =
        [
            new() { Blinded = new PsiElements { Elements = Google.Protobuf.ByteString.CopyFrom(new byte[33]) } },
            new() { Blinded = new PsiElements { Elements = Google.Protobuf.ByteString.CopyFrom(new byte[32]) } },
            new() { BlindedDone = new PsiBlindedDone { Count = 0 } },
        ];
        for (var i = 0; i < broken.Length; i++)
        {
            var spec = new JobSpec { Kind = "psi", Peer = "bureau", GrantId = grant, Dataset = "claims", OutputMode = "membership", PurposeCode = "claims-fraud-check" };
            spec.Columns.Add("id_number");
            var ex = await Assert.ThrowsAsync<RpcException>(async () => await rogue.PsiAsync(new PsiRequest { Admission = rogue.Admit($"job-probe-{i}", spec, 60) }, broken[i]));
            Assert.True(ex.StatusCode == StatusCode.InvalidArgument, $"probe {i}: {ex.StatusCode} {ex.Status.Detail}");
        }
    }

    private async Task AddInputAsync(CliNodes.Handle node, string name, IEnumerable<int> people)
    {
        var csv = Path.Combine(_nodes.Root, name + ".csv");
        await File.WriteAllLinesAsync(csv, ["id_number", .. people.Select(ControlPlaneTests.ResidentId)]);
        await CliNodes.CliOkAsync(node, "dataset", "add", name, "--csv", csv, "--grade", "L2", "--sharing", "not-shared",
            "--key", "id_number:cn-resident-id", "--owner-unit", "Insurer", "--responsible", "Zhao Lei");
    }

    private static string Metric(JsonElement result, string name) =>
        result.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("name").GetString() == name).GetProperty("value").GetString()!;
}
