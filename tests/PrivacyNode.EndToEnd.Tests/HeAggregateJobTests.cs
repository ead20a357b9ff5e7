using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Aggregate;
using PrivacyNode.Crypto.Bfv;
using PrivacyNode.Node.Configuration;
using PrivacyNode.Node.Identity;
using PrivacyNode.Node.Kinds.HeAggregate;
using PrivacyNode.Node.Peers;
using PrivacyNode.PinnedTls;
using PrivacyNode.Testing;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>
/// he-aggregate across three provider nodes and a requester, through the CLI (docs/protocols/he-aggregate.md): per-group
/// totals checked against the plaintext computation, small-cell suppression under the strictest grant, an ungrouped job
/// of two providers, bad data at the aggregator and at a contributor, malformed messages, a provider that has gone,
/// and what every log records.
/// </summary>
public sealed class HeAggregateJobTests : IAsyncLifetime
{
    /// <summary>The districts the jobs group by; no row falls in 110109, and only two (at housing) in 110108.</summary>
    private static readonly string[] Districts = ["110101", "110102", "110105", "110106", "110107", "110108", "110109"];

    private readonly CliNodes _nodes = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.StopAllAsync();

    [Fact]
    public async Task Totals_EqualThePlaintextSums_AndSmallGroupsAreSuppressed()
    {
        var agencies = await SetUpAsync();
        string[] job = ["--kind", "he-aggregate", "--part", $"{agencies.Grants["civil"]}:subsidy,district", "--part", $"{agencies.Grants["hr"]}:amount,region_code",
            "--part", $"{agencies.Grants["housing"]}:grant_amount,district", "--value-range", "0.00:100000.00", "--groups", string.Join(',', Districts)];
        var result = await CliNodes.RunJobAsync(agencies.Analyst, job);

        // hr's grant asks for at least 5 rows per group: 110108 (2 rows) and 110109 (none) are suppressed, not shown as numbers,
        // and so is (other), always.
        var expected = Expected(agencies, Districts);
        Assert.Equal(["group", "status", "rows", "sum"], result.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(expected, Rows(result));
        Assert.Equal(("3", "8", "3", "112"), (Metric(result, "providers"), Metric(result, "groups"), Metric(result, "suppressed_groups"), Metric(result, "provider_rows")));

        // The same with a threshold key: every provider holds a share, and the totals come back by key switching.
        var threshold = await CliNodes.RunJobAsync(agencies.Analyst, [.. job, "--threshold"]);
        Assert.Equal(expected, Rows(threshold));
        Assert.Equal(("3", "112"), (Metric(threshold, "suppressed_groups"), Metric(threshold, "provider_rows")));

        // Without a group column: one total over two providers, hr aggregating.
        var total = await CliNodes.RunJobAsync(agencies.Analyst, "--kind", "he-aggregate",
            "--part", $"{agencies.Grants["hr"]}:amount", "--part", $"{agencies.Grants["housing"]}:grant_amount", "--value-range", "0.00:100000.00");
        var theirs = agencies.Rows.Where(r => r.Agency is "hr" or "housing").ToList();
        Assert.Equal([[HeAggregateSpec.AllRows, "ok", "52", theirs.Sum(r => r.Value).ToString("0.00", CultureInfo.InvariantCulture)]], Rows(total));

        // Every log records its part; the requester's log holds each contributor's receipt and verifies against all three.
        var logs = new Dictionary<string, string>();
        foreach (var (name, node) in agencies.Nodes)
        {
            var auditor = await CliNodes.AddUserAsync(node, "audit." + name, "auditor");
            logs[name] = Path.Combine(_nodes.Root, name + ".jsonl");
            await CliNodes.CliOkAsync(auditor, "audit", "export", "--out", logs[name]);
        }

        Assert.Equal(
            [("aggregator", "requester", "5", "3", "60", "group-row-counts"), ("aggregator", "threshold", "5", "3", "60", "group-row-counts")],
            Records(logs["civil"], "job.provide").Select(r => (CliNodes.AuditDetail(r, "role"), CliNodes.AuditDetail(r, "key"), CliNodes.AuditDetail(r, "min_result_size"),
                CliNodes.AuditDetail(r, "suppressed_groups"), CliNodes.AuditDetail(r, "provider_rows"), CliNodes.AuditDetail(r, "learned"))));
        Assert.Equal([("contributor", "requester"), ("contributor", "threshold"), ("aggregator", "requester")],
            Records(logs["hr"], "job.provide").Select(r => (CliNodes.AuditDetail(r, "role"), CliNodes.AuditDetail(r, "key"))));
        var parts = Records(logs["finance"], "job.part");
        Assert.Equal(["housing", "housing", "housing", "hr", "hr"], parts.Select(r => r.GetProperty("peer").GetString()).Order());
        Assert.All(parts, p => Assert.True(p.TryGetProperty("peerReceipt", out _)));
        var finance = await CliNodes.AddUserAsync(agencies.Nodes["finance"], "audit.finance.2", "auditor");
        await CliNodes.CliOkAsync(finance, "audit", "verify", logs["finance"], "--peer-export", logs["civil"], "--peer-export", logs["hr"], "--peer-export", logs["housing"]);
        var text = string.Concat(logs.Values.Select(File.ReadAllText));
        Assert.DoesNotContain(expected.First()[3], text, StringComparison.Ordinal);
        Assert.DoesNotContain("100.00", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadInputAndDropOuts_FailTheWholeJob_WithAReason()
    {
        var agencies = await SetUpAsync();
        var analyst = agencies.Analyst;
        string[] parts = ["--part", $"{agencies.Grants["civil"]}:subsidy,district", "--part", $"{agencies.Grants["hr"]}:amount,region_code",
            "--part", $"{agencies.Grants["housing"]}:grant_amount,district"];
        var groups = string.Join(',', Districts);

        // Refused at submit, before any provider is asked.
        Assert.Contains("2 to 64 providers", (await CliNodes.SubmitJobAsync(analyst, "--kind", "he-aggregate", "--part", $"{agencies.Grants["civil"]}:subsidy",
            "--value-range", "0:1")).Error, StringComparison.Ordinal);
        Assert.Contains("declares its group codes", (await CliNodes.SubmitJobAsync(analyst, ["--kind", "he-aggregate", .. parts, "--value-range", "0:1"])).Error, StringComparison.Ordinal);
        Assert.Contains("'110101' is declared twice", (await CliNodes.SubmitJobAsync(analyst, ["--kind", "he-aggregate", .. parts, "--value-range", "0:1", "--groups", "110101,110101"])).Error, StringComparison.Ordinal);
        Assert.Contains("either every part", (await CliNodes.SubmitJobAsync(analyst, "--kind", "he-aggregate", "--part", $"{agencies.Grants["civil"]}:subsidy,district",
            "--part", $"{agencies.Grants["hr"]}:amount", "--value-range", "0:1", "--groups", groups)).Error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("not --grant", (await CliNodes.SubmitJobAsync(analyst, "--kind", "he-aggregate", "--grant", agencies.Grants["civil"])).Error, StringComparison.Ordinal);
        Assert.Contains("column(s) district", (await CliNodes.SubmitJobAsync(analyst, "--kind", "he-aggregate", "--part", $"{agencies.Grants["civil"]}:subsidy,district",
            "--part", $"{agencies.Grants["hr"]}:amount,district", "--value-range", "0.00:100000.00", "--groups", groups)).Error, StringComparison.Ordinal);

        // Finding 7: values below the declared range at the aggregator fail the job with one fixed message that names no row and no
        // value; districts outside the declared domain at a contributor fall into (other), which is always suppressed.
        var belowRange = await CliNodes.SubmitJobAsync(analyst, ["--kind", "he-aggregate", .. parts, "--value-range", "120.00:100000.00", "--groups", groups]);
        Assert.Equal(ExitCodes.Failed, belowRange.Code);
        Assert.Contains("does not fit this job", belowRange.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Row", belowRange.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("100.00,", belowRange.Output, StringComparison.Ordinal);
        foreach (var threshold in new[] { false, true })
        {
            var outsideDomain = await CliNodes.RunJobAsync(analyst, ["--kind", "he-aggregate", .. parts, "--value-range", "0.00:100000.00",
                "--groups", string.Join(',', Districts[..5]), .. threshold ? new[] { "--threshold" } : []]);
            Assert.Equal(Expected(agencies, Districts[..5]), Rows(outsideDomain));
        }

        await ProbeMalformedMessagesAsync(agencies);

        // A provider that has gone fails the job; the aggregator records that the requester broke off.
        await _nodes.StopAsync(agencies.Nodes["housing"]);
        var gone = await CliNodes.SubmitJobAsync(analyst, ["--kind", "he-aggregate", .. parts, "--value-range", "0.00:100000.00", "--groups", groups]);
        Assert.Equal(ExitCodes.Failed, gone.Code);
        Assert.Contains("peer-unavailable", gone.Output, StringComparison.Ordinal);

        // The aggregator records the last break-off when it notices it, which may be just after the requester gave up.
        var civilLog = Path.Combine(_nodes.Root, "civil.jsonl");
        var civilAuditor = await CliNodes.AddUserAsync(agencies.Nodes["civil"], "audit.c", "auditor");
        for (var attempt = 0; attempt < 50; attempt++)
        {
            await CliNodes.CliOkAsync(civilAuditor, "audit", "export", "--out", civilLog);
            if (Records(civilLog, "job.provide").Count >= 9)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.Equal(
            [
                ("error", "dataset-unusable"), ("ok", ""), ("ok", ""),
                ("error", "malformed-message"), ("error", "malformed-message"), ("error", "malformed-message"),
                ("error", "malformed-message"), ("error", "malformed-message"),
                ("error", "requester-gone"),
            ],
            Records(civilLog, "job.provide").Select(r => (r.GetProperty("outcome").GetString(), r.TryGetProperty("reasonCode", out var code) ? code.GetString() : "")));

        // With a threshold key too, a provider that has gone fails the job; and no failed job left a result.
        var goneThreshold = await CliNodes.SubmitJobAsync(analyst, ["--kind", "he-aggregate", .. parts, "--value-range", "0.00:100000.00", "--groups", groups, "--threshold"]);
        Assert.Contains("peer-unavailable", goneThreshold.Output, StringComparison.Ordinal);
        var jobs = JsonDocument.Parse(await CliNodes.CliOkAsync(analyst, "job", "list", "--json")).RootElement.GetProperty("jobs").EnumerateArray().ToList();
        Assert.Equal([("JOB_STATE_FAILED", 3), ("JOB_STATE_SUCCEEDED", 2)],
            jobs.GroupBy(j => j.GetProperty("state").GetString()!).Select(g => (g.Key, g.Count())).Order());
        foreach (var job in jobs.Where(j => j.GetProperty("state").GetString() == "JOB_STATE_FAILED"))
        {
            Assert.NotEqual(ExitCodes.Success, (await CliNodes.CliAsync(analyst, "job", "result", job.GetProperty("id").GetString()!)).Code);
        }
    }

    /// <summary>
    /// Issue 16, finding 6: a requester running modified software relays the aggregator's keys and the count total. It must not be able
    /// to put its own sealing key in their place (it would open every contribution), nor hand the aggregator a count total that is
    /// not the contributions' (it would lift small groups above the minimum result size).
    /// </summary>
    [Fact]
    public async Task Finding6_DeviatingRequester_CannotSubstituteTheAggregatorsKeysOrForgeTheCountTotal()
    {
        var agencies = await SetUpAsync();
        var spec = new JobSpec { Kind = "he-aggregate", OutputMode = "sum", PurposeCode = "subsidy-audit", ValueMin = "0.00", ValueMax = "100000.00" };
        spec.GroupDomain.AddRange(Districts);
        foreach (var (agency, columns) in new[] { ("civil", "subsidy,district"), ("hr", "amount,region_code") })
        {
            spec.Parts.Add(new JobPart { Peer = agency, GrantId = agencies.Grants[agency], Dataset = agency + "_subsidies", Columns = { columns.Split(',') } });
        }

        using var toCivil = new RogueRequester(agencies.Nodes["finance"], "finance", agencies.Nodes["civil"], "civil");
        using var toHr = new RogueRequester(agencies.Nodes["finance"], "finance", agencies.Nodes["hr"], "hr");
        using var requester = new HeAggregateRequester(HeAggregateSpec.TryParse(spec, out var shape, out _) ? shape.Groups.Count : 0, 2, 0, 10_000_000);
        var requesterKey = ByteString.CopyFrom(BfvSerializer.Serialize(requester.PublicKey));
        var options = TestCalls.Within(TimeSpan.FromSeconds(30));

        using var requesterSeal = ContributionSeal.CreateRecipient();
        var selfAggregated = spec.Clone();
        selfAggregated.Parts[0].Peer = "finance";
        var asAggregator = await Assert.ThrowsAsync<RpcException>(async () => await new PeerJobService.PeerJobServiceClient(toHr.Channel).ContributeAsync(new ContributeRequest
        {
            Admission = toHr.Admit("job-deviant-self", HeAggregateSpec.ForPart(selfAggregated, 1), 0), RequesterKey = requesterKey,
            CountKey = requesterKey, SealKey = ByteString.CopyFrom(ContributionSeal.PublicKeyOf(requesterSeal)),
        }, options));
        Assert.Contains("cannot be a provider of its own job", asAggregator.Status.Detail, StringComparison.Ordinal);

        foreach (var forgery in new[] { "own sealing key", "forged count total" })
        {
            var jobId = "job-deviant-" + forgery.Replace(' ', '-');
            using var aggregate = new PeerJobService.PeerJobServiceClient(toCivil.Channel).Aggregate(options);
            await aggregate.RequestStream.WriteAsync(new AggregateRequest
            {
                Open = new AggregateOpen { Admission = toCivil.Admit(jobId, HeAggregateSpec.ForPart(spec, 0), 0), RequesterKey = requesterKey },
            });
            Assert.True(await aggregate.ResponseStream.MoveNext(CancellationToken.None));
            var opened = aggregate.ResponseStream.Current.Opened;
            using var own = ContributionSeal.CreateRecipient();
            var contribute = new ContributeRequest
            {
                Admission = toHr.Admit(jobId, HeAggregateSpec.ForPart(spec, 1), 0), RequesterKey = requesterKey, CountKey = opened.CountKey,
                SealKey = forgery == "own sealing key" ? ByteString.CopyFrom(ContributionSeal.PublicKeyOf(own)) : opened.SealKey,
                AggregatorKeysSignature = opened.KeysSignature,
            };

            if (forgery == "own sealing key")
            {
                var refused = await Assert.ThrowsAsync<RpcException>(async () => await new PeerJobService.PeerJobServiceClient(toHr.Channel).ContributeAsync(contribute, options));
                Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
                Assert.Contains("not signed by the aggregator", refused.Status.Detail, StringComparison.Ordinal);
                continue;
            }

            var contributed = await new PeerJobService.PeerJobServiceClient(toHr.Channel).ContributeAsync(contribute, options);
            var counts = BfvSerializer.DeserializeCiphertext(HeAggregateParameters.Bfv, contributed.CountsForAggregator.Span);
            await aggregate.RequestStream.WriteAsync(new AggregateRequest { SealedContribution = contributed.SealedContribution });
            await aggregate.RequestStream.WriteAsync(new AggregateRequest
            {
                CountTotal = ByteString.CopyFrom(BfvSerializer.Serialize(HeAggregateRequester.SumCounts([counts, counts, counts]))),
            });
            await aggregate.RequestStream.CompleteAsync();
            var ex = await Assert.ThrowsAsync<RpcException>(async () => await aggregate.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
            Assert.Contains("not the sum of the contributions' sealed counts", ex.Status.Detail, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Speaks PeerJobService as the requester would, with validly signed receipts, but sends what no honest requester sends: a key of
    /// another parameter set (refused before admission); then, to the aggregator, a sealed contribution that does not open, one
    /// encrypted under other keys, and one whose ciphertexts are for another parameter set.
    /// </summary>
    private static async Task ProbeMalformedMessagesAsync(Agencies agencies)
    {
        using var rogue = new RogueRequester(agencies.Nodes["finance"], "finance", agencies.Nodes["civil"], "civil");
        var spec = new JobSpec { Kind = "he-aggregate", OutputMode = "sum", PurposeCode = "subsidy-audit", ValueMin = "0.00", ValueMax = "100000.00" };
        spec.GroupDomain.AddRange(Districts);
        foreach (var (agency, columns) in new[] { ("civil", "subsidy,district"), ("hr", "amount,region_code") })
        {
            spec.Parts.Add(new JobPart { Peer = agency, GrantId = agencies.Grants[agency], Dataset = agency + "_subsidies", Columns = { columns.Split(',') } });
        }

        using var identity = NodeIdentity.Load(Path.Combine(agencies.Nodes["finance"].DataDirectory, "identity.pem"), KeyPassphrase.None);
        using var channels = new PeerChannels(identity, TimeProvider.System, 4 << 20);
        GrpcChannel Channel(string agency)
        {
            using var peerIdentity = NodeIdentity.Load(Path.Combine(agencies.Nodes[agency].DataDirectory, "identity.pem"), KeyPassphrase.None);
            return channels.Get(new PeerRecord(agency, NodeRuntimeInfo.TryRead(agencies.Nodes[agency].DataDirectory)!.Peer, CertificateFingerprint.Compute(peerIdentity.Certificate),
                null, null, DateTimeOffset.UtcNow, "test", null));
        }

        var foreign = new KeyGenerator(BfvParameterSets.Sec128LogN13LogQ218);
        var foreignKey = ByteString.CopyFrom(BfvSerializer.Serialize(foreign.CreatePublicKey(foreign.CreateSecretKey())));
        var contribute = new ContributeRequest
        {
            Admission = new JobAdmission { JobId = "job-probe-0", Spec = HeAggregateSpec.ForPart(spec, 1), RequesterReceipt = rogue.Receipt("job.start", "job-probe-0") },
            RequesterKey = foreignKey, CountKey = foreignKey, SealKey = ByteString.CopyFrom(new byte[65]),
        };
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await new PeerJobService.PeerJobServiceClient(Channel("hr")).ContributeAsync(contribute, TestCalls.Within(TimeSpan.FromSeconds(30))));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("requester key is not a BFV public key for he-aggregate", refused.Status.Detail, StringComparison.Ordinal);

        using var requester = new HeAggregateRequester(Districts.Length, 2, 0, 10_000_000);
        var requesterKey = ByteString.CopyFrom(BfvSerializer.Serialize(requester.PublicKey));
        var wrongSet = ByteString.CopyFrom(BfvSerializer.Serialize(new Encryptor(foreign.CreatePublicKey(foreign.CreateSecretKey())).Encrypt(new Plaintext(BfvParameterSets.Sec128LogN13LogQ218))));
        (byte[]? Digest, string Refusal)[] probes =
        [
            (null, "does not open under this job's sealing key"),
            (new byte[32], "other keys than this job's"),
            ([], "is not a BFV ciphertext for he-aggregate"),
        ];
        for (var probe = 0; probe < probes.Length; probe++)
        {
            using var call = new PeerJobService.PeerJobServiceClient(Channel("civil")).Aggregate(TestCalls.Within(TimeSpan.FromSeconds(30)));
            var jobId = $"job-probe-{probe + 1}";
            await call.RequestStream.WriteAsync(new AggregateRequest
            {
                Open = new AggregateOpen { Admission = new JobAdmission { JobId = jobId, Spec = HeAggregateSpec.ForPart(spec, 0), RequesterReceipt = rogue.Receipt("job.start", jobId) }, RequesterKey = requesterKey },
            });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            var opened = call.ResponseStream.Current.Opened;
            var digest = probes[probe].Digest is { Length: 0 } ? SHA256.HashData([.. requesterKey.Span, .. opened.CountKey.Span]) : probes[probe].Digest ?? [];
            var content = new SealedContribution { GrantId = agencies.Grants["hr"], Counts = wrongSet, SumPlanes = { wrongSet, wrongSet }, KeysDigest = ByteString.CopyFrom(digest) };
            var sealedBytes = probes[probe].Digest is null
                ? new byte[ContributionSeal.Overhead + 10]
                : ContributionSeal.Seal(opened.SealKey.Span, Encoding.UTF8.GetBytes("he-aggregate " + jobId), content.ToByteArray());
            await call.RequestStream.WriteAsync(new AggregateRequest { SealedContribution = ByteString.CopyFrom(sealedBytes) });
            await call.RequestStream.CompleteAsync();
            var ex = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.True(ex.StatusCode == StatusCode.InvalidArgument, $"probe {probe}: {ex.StatusCode} {ex.Status.Detail}");
            Assert.Contains(probes[probe].Refusal, ex.Status.Detail, StringComparison.Ordinal);
        }

        // With a threshold key: a seed of the wrong size is refused before admission; after it, a collective key not made from the
        // job's seed, and (to the aggregator) a first key switch to another key than its count key.
        spec.Threshold = true;
        foreach (var probe in new[] { "short seed", "foreign collective key", "switch to another key" })
        {
            using var call = new PeerJobService.PeerJobServiceClient(Channel("civil")).ThresholdAggregate(TestCalls.Within(TimeSpan.FromSeconds(30)));
            var seed = new byte[probe == "short seed" ? 31 : 32];
            await call.RequestStream.WriteAsync(new ThresholdAggregateRequest
            {
                Open = new ThresholdOpen
                {
                    Admission = rogue.Admit("job-probe-" + probe.Replace(' ', '-'), HeAggregateSpec.ForPart(spec, 0), 0),
                    CommonSeed = ByteString.CopyFrom(seed),
                },
            });
            if (probe != "short seed")
            {
                Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
                var share = call.ResponseStream.Current.Opened.KeyShare;
                await call.RequestStream.WriteAsync(new ThresholdAggregateRequest { CollectiveKey = probe == "foreign collective key" ? requesterKey : share });
                if (probe == "switch to another key")
                {
                    Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
                    var counts = call.ResponseStream.Current.Contribution.Counts;
                    await call.RequestStream.WriteAsync(new ThresholdAggregateRequest { KeySwitch = new KeySwitchRequest { Ciphertexts = { counts }, TargetKey = requesterKey } });
                }
            }

            await call.RequestStream.CompleteAsync();
            var ex = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
            Assert.Contains(probe switch
            {
                "short seed" => "The common seed is 32 bytes",
                "foreign collective key" => "not made from the job's common seed",
                _ => "switched to this aggregator's count key",
            }, ex.Status.Detail, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The requester (finance, analyst li.na) and three providers, each with its own column names, paired with finance only, each
    /// granting he-aggregate on its subsidy table (hr with a minimum result size of 5): nodes, grants by agency, and every row.
    /// </summary>
    private async Task<Agencies> SetUpAsync()
    {
        var nodes = new Dictionary<string, CliNodes.Handle> { ["finance"] = await _nodes.InitAndServeAsync("finance") };
        var rows = new List<Row>();
        var grants = new Dictionary<string, string>();
        var analyst = await CliNodes.AddUserAsync(nodes["finance"], "li.na", "analyst");
        foreach (var (agency, count, district, value) in new (string, int, string, string)[]
                 {
                     ("civil", 60, "district", "subsidy"), ("hr", 40, "region_code", "amount"), ("housing", 12, "district", "grant_amount"),
                 })
        {
            nodes[agency] = await _nodes.InitAndServeAsync(agency);
            // Every node pairs with the requester; the providers pair with each other too, so a contributor can check the
            // aggregator's keys whichever provider aggregates.
            foreach (var paired in nodes.Keys.Where(n => n != agency))
            {
                await CliNodes.PairAsync(nodes[paired], nodes[agency]);
            }

            var mine = Enumerable.Range(0, count).Select(i => new Row(
                agency,
                ControlPlaneTests.ResidentId(i),
                agency == "housing" ? Districts[i % 6] : Districts[(i * (agency == "hr" ? 3 : 1)) % 5],
                agency switch { "civil" => 100.00m + (i * 1.25m), "hr" => 500.50m + (i * 0.75m), _ => 2000m + i })).ToList();
            rows.AddRange(mine);
            var csv = Path.Combine(_nodes.Root, agency + ".csv");
            await File.WriteAllLinesAsync(csv, [$"id_number,{district},{value}", .. mine.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Id},{r.District},{r.Value:0.00}"))]);
            var dataset = agency + "_subsidies";
            await CliNodes.CliOkAsync(nodes[agency], "dataset", "add", dataset, "--csv", csv, "--grade", "L2", "--sharing", "conditional",
                "--key", "id_number:cn-resident-id", "--owner-unit", agency, "--responsible", "Wang Fang");
            await CliNodes.CliOkAsync(analyst, "request", "file", "--peer", agency, "--dataset", dataset, "--columns", $"{district},{value}",
                "--kinds", "he-aggregate", "--outputs", "sum", "--purpose", "Subsidy totals per district", "--purpose-code", "subsidy-audit",
                "--to", "2099-12-31", "--responsible", "Zhao Lei");
            var request = JsonDocument.Parse(await CliNodes.CliOkAsync(nodes[agency], "request", "list", "--incoming", "--json")).RootElement
                .GetProperty("requests")[0].GetProperty("id").GetString()!;
            await CliNodes.CliOkAsync(nodes[agency], "request", "approve", request, "--peer", "finance", "--max-uses", "20",
                "--min-result-size", agency == "hr" ? "5" : "0", "--min-requester-set-size", "100", "--responsible", "Wang Fang");
            grants[agency] = JsonDocument.Parse(await CliNodes.CliOkAsync(analyst, "grant", "list", "--json")).RootElement.GetProperty("grants")
                .EnumerateArray().Single(g => g.GetProperty("provider").GetString() == agency).GetProperty("id").GetString()!;
        }

        return new Agencies(nodes, analyst, grants, rows);
    }

    /// <summary>The result rows for <paramref name="groups"/> from the plaintext: groups under 5 rows suppressed, then (other), always suppressed.</summary>
    private static IEnumerable<string[]> Expected(Agencies agencies, string[] groups) =>
        groups.Select(d =>
        {
            var members = agencies.Rows.Where(r => r.District == d).ToList();
            return members.Count < 5
                ? new[] { d, "suppressed", string.Empty, string.Empty }
                : [d, "ok", members.Count.ToString(CultureInfo.InvariantCulture), members.Sum(r => r.Value).ToString("0.00", CultureInfo.InvariantCulture)];
        }).Append([HeAggregateSpec.Other, "suppressed", string.Empty, string.Empty]);

    private static IEnumerable<string[]> Rows(JsonElement result) =>
        result.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("values").EnumerateArray().Select(v => v.GetString()!).ToArray());

    private static string Metric(JsonElement result, string name) =>
        result.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("name").GetString() == name).GetProperty("value").GetString()!;

    private static List<JsonElement> Records(string log, string action) =>
        [.. File.ReadLines(log).Skip(1).Select(l => JsonDocument.Parse(l).RootElement).Where(r => r.GetProperty("action").GetString() == action)];

    private sealed record Row(string Agency, string Id, string District, decimal Value);

    private sealed record Agencies(Dictionary<string, CliNodes.Handle> Nodes, CliNodes.Handle Analyst, Dictionary<string, string> Grants, List<Row> Rows);
}
