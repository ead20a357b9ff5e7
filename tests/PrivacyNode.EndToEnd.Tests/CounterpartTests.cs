using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Psi;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Jobs;
using PrivacyNode.Testing;

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
            claims.Append(CultureInfo.InvariantCulture, $"{ControlPlaneTests.ResidentId(i)},{1000 + i},Hospital {new string('x', i % 7)}\n");
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
        var blinded = BlindClaims(requester);

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
        var blinded = BlindClaims(requester);

        foreach (var kind in new[] { "psi", "psi-payload" })
        {
            var ex = await Assert.ThrowsAsync<RpcException>(async () => await EvaluationsAsync(rogue, grant, kind, "count", blinded));
            Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        }

        Assert.Equal(Claims, (await EvaluationsAsync(rogue, grant, "psi-count", "count", blinded)).Count);
        var filed = await CliNodes.CliAsync(_analyst, "request", "file", "--peer", "bureau", "--dataset", "claims", "--columns", "id_number",
            "--kinds", "psi,psi-count", "--outputs", "count", "--purpose", "p", "--purpose-code", "c", "--to", "2099-12-31", "--responsible", "Zhao Lei");
        Assert.NotEqual(0, filed.Code);
        Assert.Contains("psi: membership", filed.Error + filed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Finding5_AThousandRefusedCalls_GrowTheStoreByABoundedAmount()
    {
        using var rogue = new RogueRequester(_insurer, "insurer", _bureau, "bureau");
        var before = await AuditRecordsAsync(_bureau);
        var sizeBefore = StoreSize(_bureau);
        var huge = new string('x', 100_000);
        var options = TestCalls.Within(TimeSpan.FromSeconds(30));

        for (var i = 0; i < 500; i++)
        {
            var oversized = Spec("grt-unknown", "row-count", "count", huge);
            oversized.Dataset = huge;
            oversized.PurposeCode = huge;
            var ex = await Assert.ThrowsAsync<RpcException>(async () => await new PeerJobService.PeerJobServiceClient(rogue.Channel).RowCountAsync(new RowCountRequest { Admission = rogue.Admit($"job-big-{i}", oversized, 0) }, options));
            Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
            Assert.DoesNotContain(huge[..100], ex.Status.Detail, StringComparison.Ordinal);
        }

        for (var i = 0; i < 500; i++)
        {
            var ex = await Assert.ThrowsAsync<RpcException>(async () => await new PeerJobService.PeerJobServiceClient(rogue.Channel).RowCountAsync(new RowCountRequest { Admission = rogue.Admit($"job-unknown-{i}", Spec($"grt-{i}", "row-count", "count", "id_number"), 0) }, options));
            Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        }

        // Stopping the node ends the interval: the refusals beyond the budget are written as one coalesced record.
        await _nodes.StopAsync(_bureau);
        var after = await AuditRecordsAsync(_bureau);
        var added = after.Skip(before.Count).ToList();
        Assert.Equal(PeerRefusalBudget.PerInterval, added.Count(r => r.Action == "policy.decision"));
        var coalesced = Assert.Single(added, r => r.Action == "peer.refusals-coalesced");
        Assert.Equal((500 - PeerRefusalBudget.PerInterval).ToString(CultureInfo.InvariantCulture), coalesced.Details.Single(d => d.Key == "refused").Value);
        Assert.True(StoreSize(_bureau) - sizeBefore < 1 << 20, $"the store grew by {StoreSize(_bureau) - sizeBefore} bytes");
    }

    [Fact]
    public async Task Finding5_BeyondTheRefusalBudget_RefusalsSkipTheReceiptCheckButAdmissionsDoNot()
    {
        var grant = await GrantAsync("row-count", "count");
        using var rogue = new RogueRequester(_insurer, "insurer", _bureau, "bureau");
        var client = new PeerJobService.PeerJobServiceClient(rogue.Channel);
        var options = TestCalls.Within(TimeSpan.FromSeconds(30));
        async Task<RpcException> RefusedAsync(JobAdmission admission) =>
            await Assert.ThrowsAsync<RpcException>(async () => await client.RowCountAsync(new RowCountRequest { Admission = admission }, options));

        for (var i = 0; i < PeerRefusalBudget.PerInterval; i++)
        {
            Assert.Equal(StatusCode.PermissionDenied, (await RefusedAsync(rogue.Admit($"job-unknown-{i}", Spec("grt-unknown", "row-count", "count", "id_number"), 0))).StatusCode);
        }

        // The budget is spent: a refusal is only counted, so its receipt (here for another job) is not checked.
        var beyond = await RefusedAsync(rogue.Admit("job-beyond", Spec("grt-unknown", "row-count", "count", "id_number"), 0, receiptJobId: "job-other"));
        Assert.Equal(StatusCode.PermissionDenied, beyond.StatusCode);
        Assert.Null(beyond.Trailers.GetValueBytes(PeerRefusal.ReceiptTrailer));
        // A job its grant admits still needs a receipt for itself, and is admitted with one.
        var unreceipted = await RefusedAsync(rogue.Admit("job-2", Spec(grant, "row-count", "count", "id_number"), 0, receiptJobId: "job-1"));
        Assert.Equal(StatusCode.InvalidArgument, unreceipted.StatusCode);
        var counted = await client.RowCountAsync(new RowCountRequest { Admission = rogue.Admit("job-3", Spec(grant, "row-count", "count", "id_number"), 0) }, options);
        Assert.Equal(Claims, counted.RowCount);

        await _nodes.StopAsync(_bureau);
        var coalesced = Assert.Single(await AuditRecordsAsync(_bureau), r => r.Action == "peer.refusals-coalesced");
        Assert.Equal("1", coalesced.Details.Single(d => d.Key == "refused").Value);
    }

    [Fact]
    public async Task Finding9_EmptyOrTinyRequesterSet_IsRefusedUnderTheNodesFloor()
    {
        var grant = await GrantAsync("psi", "membership");
        using var rogue = new RogueRequester(_insurer, "insurer", _bureau, "bureau");

        foreach (var size in new[] { 0, 1, 9 })
        {
            var ex = await Assert.ThrowsAsync<RpcException>(async () => await rogue.PsiAsync(new PsiRequest { Admission = rogue.Admit($"job-tiny-{size}", Spec(grant, "psi", "membership", "id_number"), size) }));
            Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
            Assert.Contains("requester-set-too-small", ex.Status.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Finding9_SealedPayloads_HaveOneLengthPerJob()
    {
        var grant = await GrantAsync("psi-payload", "payload");
        using var rogue = new RogueRequester(_insurer, "insurer", _bureau, "bureau");
        using var requester = new PsiRequester();
        var blinded = BlindClaims(requester);

        var responses = await rogue.PsiAsync(
            new PsiRequest { Admission = rogue.Admit("job-payload", Spec(grant, "psi-payload", "payload", "id_number", "hospital"), Claims) },
            new PsiRequest { Blinded = new PsiElements { Elements = ByteString.CopyFrom(blinded) } },
            new PsiRequest { BlindedDone = new PsiBlindedDone { Count = Claims } });
        var lengths = responses.Where(r => r.MessageCase == PsiResponse.MessageOneofCase.Tags).SelectMany(r => r.Tags.SealedPayloads).Select(p => p.Length).ToList();

        Assert.Equal(Claims, lengths.Count);
        Assert.Single(lengths.Distinct());
    }

    [Fact]
    public async Task Finding9_AUserAddedAgainUnderTheSameName_InheritsNoJobsOrResults()
    {
        var grant = await GrantAsync("row-count", "count");
        var job = JsonDocument.Parse(await CliNodes.CliOkAsync(_analyst, "job", "submit", "--kind", "row-count", "--grant", grant, "--json")).RootElement.GetProperty("id").GetString()!;
        await CliNodes.CliOkAsync(_analyst, "job", "watch", job);
        Assert.Contains("row_count: 60", await CliNodes.CliOkAsync(_analyst, "job", "result", job), StringComparison.Ordinal);

        await CliNodes.CliOkAsync(_insurer, "user", "remove", "li.na");
        var again = await CliNodes.AddUserAsync(_insurer, "li.na", "analyst");

        Assert.NotEqual(0, (await CliNodes.CliAsync(again, "job", "result", job)).Code);
        Assert.Empty(JsonDocument.Parse(await CliNodes.CliOkAsync(again, "job", "list", "--json")).RootElement.GetProperty("jobs").EnumerateArray());
    }

    /// <summary>Finding 6: where a deviating requester learns one chosen value per job, the node caps the uses a grant may allow.</summary>
    [Fact]
    public async Task Finding6_SumGrants_AllowNoMoreUsesThanTheNodesCap()
    {
        await CliNodes.CliOkAsync(_analyst, "request", "file", "--peer", "bureau", "--dataset", "claims", "--columns", "id_number,amount",
            "--kinds", "psi-sum,psi", "--outputs", "sum,membership", "--purpose", "p", "--purpose-code", "claims-fraud-check", "--to", "2099-12-31", "--responsible", "Zhao Lei");
        var request = JsonDocument.Parse(await CliNodes.CliOkAsync(_bureau, "request", "list", "--incoming", "--json")).RootElement.GetProperty("requests")[0].GetProperty("id").GetString()!;

        var (code, output, error) = await CliNodes.CliAsync(_bureau, "request", "approve", request, "--peer", "insurer", "--max-uses", "21", "--responsible", "Wang Fang");
        Assert.NotEqual(0, code);
        Assert.Contains("Node:Access:MaxSumUses", output + error, StringComparison.Ordinal);
        await CliNodes.CliOkAsync(_bureau, "request", "approve", request, "--peer", "insurer", "--max-uses", "21", "--kinds", "psi", "--responsible", "Wang Fang");
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

    [Fact]
    public async Task Finding8_ReceiptForAnotherJob_IsRefused()
    {
        var grant = await GrantAsync("row-count", "count");
        using var rogue = new RogueRequester(_insurer, "insurer", _bureau, "bureau");
        var spec = Spec(grant, "row-count", "count", "id_number");

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await new PeerJobService.PeerJobServiceClient(rogue.Channel).RowCountAsync(new RowCountRequest { Admission = rogue.Admit("job-2", spec, 0, receiptJobId: "job-1") }, TestCalls.Within(TimeSpan.FromSeconds(30))));
        var counted = await new PeerJobService.PeerJobServiceClient(rogue.Channel).RowCountAsync(new RowCountRequest { Admission = rogue.Admit("job-3", spec, 0) }, TestCalls.Within(TimeSpan.FromSeconds(30)));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("not for this job", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Equal((Claims, "job:job-3"), (counted.RowCount, counted.ProviderReceipt.Subject));
    }

    [Fact]
    public async Task Finding8_AuditVerify_ChecksBothDirectionsAndDetectsATruncatedOrPartialExport()
    {
        var grant = await GrantAsync("row-count", "count");
        await CliNodes.RunJobAsync(_analyst, "--kind", "row-count", "--grant", grant);
        var insurerLog = await ExportAsync(_insurer, "insurer");
        var bureauLog = await ExportAsync(_bureau, "bureau");
        await CliNodes.CliOkAsync(_insurer, "audit", "verify", insurerLog, "--peer-export", bureauLog);
        await CliNodes.CliOkAsync(_insurer, "audit", "verify", bureauLog, "--peer-export", insurerLog);

        // The insurer's log loses its tail (the job's records): the bureau holds a receipt for one of them.
        var lines = await File.ReadAllLinesAsync(insurerLog);
        var start = Array.FindIndex(lines, l => l.Contains("\"job.start\"", StringComparison.Ordinal));
        var truncated = insurerLog + ".truncated";
        await File.WriteAllLinesAsync(truncated, lines[..start]);
        var partial = insurerLog + ".partial";
        await File.WriteAllLinesAsync(partial, [lines[0], .. lines[3..]]);

        var (code, output, error) = await CliNodes.CliAsync(_insurer, "audit", "verify", truncated, "--peer-export", bureauLog);
        Assert.NotEqual(0, code);
        Assert.Contains("'bureau' holds a receipt for record", output + error, StringComparison.Ordinal);
        (code, output, error) = await CliNodes.CliAsync(_insurer, "audit", "verify", partial);
        Assert.NotEqual(0, code);
        Assert.Contains("starts at record 3", output + error, StringComparison.Ordinal);
    }

    private static async Task<List<AuditRecord>> AuditRecordsAsync(CliNodes.Handle node)
    {
        await using var connection = CliNodes.OpenStore(node);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT record FROM audit_records ORDER BY seq";
        var records = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            records.Add(AuditRecord.Parser.ParseFrom((byte[])reader.GetValue(0)));
        }

        return records;
    }

    /// <summary>The bytes of a SQLite node's store, its write-ahead log included.</summary>
    private static long StoreSize(CliNodes.Handle node) =>
        new[] { "node.db", "node.db-wal" }.Select(f => Path.Combine(node.DataDirectory, f)).Where(File.Exists).Sum(f => new FileInfo(f).Length);

    private async Task<string> ExportAsync(CliNodes.Handle admin, string name)
    {
        var path = Path.Combine(_nodes.Root, name + ".jsonl");
        await CliNodes.CliOkAsync(await CliNodes.AddUserAsync(admin, "audit." + name, "auditor"), "audit", "export", "--out", path);
        return path;
    }

    private static async Task<HashSet<string>> EvaluationsAsync(RogueRequester rogue, string grant, string kind, string output, byte[] blinded)
    {
        // Well-formed for its kind (psi-payload names a column to return), so only the grant can refuse it.
        var spec = kind == "psi-payload" ? Spec(grant, kind, output, "id_number", "amount") : Spec(grant, kind, output, "id_number");
        var responses = await rogue.PsiAsync(
            new PsiRequest { Admission = rogue.Admit("job-" + Guid.NewGuid().ToString("N"), spec, blinded.Length / 32) },
            new PsiRequest { Blinded = new PsiElements { Elements = ByteString.CopyFrom(blinded) } },
            new PsiRequest { BlindedDone = new PsiBlindedDone { Count = (ulong)(blinded.Length / 32) } });
        var evaluated = responses.Where(r => r.MessageCase == PsiResponse.MessageOneofCase.Evaluated).SelectMany(r => r.Evaluated.Elements.Chunk(32)).ToList();
        return [.. evaluated.Select(Convert.ToHexString)];
    }

    /// <summary>The claims' keys, blinded by <paramref name="requester"/>.</summary>
    private static byte[] BlindClaims(PsiRequester requester) =>
        requester.Blind([.. Enumerable.Range(0, Claims).Select(i => Encoding.UTF8.GetBytes(ControlPlaneTests.ResidentId(i)))]);

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
