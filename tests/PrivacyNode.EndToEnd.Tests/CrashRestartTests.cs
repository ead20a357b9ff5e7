using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>
/// Issue 20, faults: a node killed with SIGKILL at each phase of each job kind, then started again. Three node processes (the
/// insurer requests; the bureau provides, and aggregates he-aggregate; the carrier contributes to he-aggregate); each case arms
/// one crash point (PRIVACYNODE_CRASH_AT) in one of them and runs one job. Afterwards the job has ended, failed or succeeded, never
/// half-written: no result is kept for a job that did not succeed, and no page without its result; each provider has counted one use
/// per job its grant admitted (docs/reliability.md) and recorded one outcome per admission; every job the requester started has one end
/// in its log; all three audit chains verify; and the same job then succeeds.
/// </summary>
public sealed class CrashRestartTests(CrashRestartTests.Agencies agencies) : IClassFixture<CrashRestartTests.Agencies>
{
    private const string Failed = "JOB_STATE_FAILED";
    private const string Succeeded = "JOB_STATE_SUCCEEDED";
    private static readonly TimeSpan CrashLimit = TimeSpan.FromSeconds(90);

    /// <summary>
    /// (job, node killed, crash point, how the job ends): every phase of every kind, on the side that has it. A provider killed after its
    /// last message leaves the requester a whole result; a disposal killed before its commit leaves the result whole.
    /// </summary>
    public static TheoryData<string, string, string, string> Cases => new()
    {
        { "row-count", "insurer", "job-started", Failed },
        { "row-count", "bureau", "job-admitted", Failed },
        { "row-count", "bureau", "job-provided", Failed },
        { "row-count", "insurer", "result-written", Failed },
        { "row-count", "insurer", "result-disposed", Succeeded },
        { "psi", "insurer", "sent:admission", Failed },
        { "psi", "bureau", "job-admitted", Failed },
        { "psi", "bureau", "tag-cache-written", Failed },
        { "psi", "insurer", "sent:blinded#2", Failed },
        { "psi", "bureau", "received:blinded#2", Failed },
        { "psi", "bureau", "sent:evaluated", Failed },
        { "psi", "insurer", "received:evaluated#2", Failed },
        { "psi", "bureau", "sent:tags", Failed },
        { "psi", "insurer", "received:tags", Failed },
        { "psi", "bureau", "job-provided", Failed },
        { "psi", "insurer", "result-written", Failed },
        { "psi", "insurer", "result-disposed", Succeeded },
        { "psi-count", "bureau", "sent:evaluated#2", Failed },
        { "psi-count", "insurer", "received:tags#2", Failed },
        { "psi-count", "insurer", "result-written", Failed },
        { "psi-payload", "bureau", "sent:tags", Failed },
        { "psi-payload", "insurer", "received:tags", Failed },
        { "psi-payload", "insurer", "result-written", Failed },
        { "psi-rr22", "insurer", "sent:vole_start", Failed },
        { "psi-rr22", "bureau", "sent:vole_chunk", Failed },
        { "psi-rr22", "insurer", "sent:vole_masked", Failed },
        { "psi-rr22", "bureau", "received:vole_masked", Failed },
        { "psi-rr22", "bureau", "job-provided", Failed },
        { "psi-sum", "bureau", "sent:accepted", Failed },
        { "psi-sum", "insurer", "sent:sum_request", Failed },
        { "psi-sum", "bureau", "received:sum_request", Failed },
        { "psi-sum", "bureau", "sent:sum_answer", Failed },
        { "psi-sum", "insurer", "result-written", Failed },
        { "he-aggregate", "insurer", "sent:open", Failed },
        { "he-aggregate", "bureau", "sent:opened", Failed },
        { "he-aggregate", "carrier", "job-provided", Failed },
        { "he-aggregate", "insurer", "sent:sealed_contribution", Failed },
        { "he-aggregate", "bureau", "received:sealed_contribution", Failed },
        { "he-aggregate", "bureau", "sent:totals", Succeeded },
        { "he-aggregate", "insurer", "result-written", Failed },
        { "he-aggregate-threshold", "carrier", "sent:opened", Failed },
        { "he-aggregate-threshold", "insurer", "sent:collective_key", Failed },
        { "he-aggregate-threshold", "carrier", "sent:contribution", Failed },
        { "he-aggregate-threshold", "bureau", "sent:key_switch_shares", Failed },
        { "he-aggregate-threshold", "bureau", "received:suppress", Failed },
        { "he-aggregate-threshold", "insurer", "result-written", Failed },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task KilledAtAPhase_RestartsWithNothingHalfWritten(string job, string victim, string point, string state)
    {
        await agencies.ResetAsync();
        var killed = agencies.Nodes[victim];
        await killed.StopAsync();
        await killed.StartAsync(point);
        if (point == "tag-cache-written")
        {
            agencies.TouchHoldings(victim);
        }

        string? id;
        if (point == "result-disposed")
        {
            id = await agencies.RunAsync(job);
            await CliNodes.CliAsync(agencies.Analyst, "result", "dispose", id);
        }
        else
        {
            // A requester killed as the job starts may be killed before it answers the submit.
            var (code, output, error) = await CliNodes.CliAsync(agencies.Analyst, ["job", "submit", .. agencies.Arguments(job), "--json"]);
            Assert.True(code == 0 || point == "job-started", error);
            id = code == 0 ? JsonDocument.Parse(output).RootElement.GetProperty("id").GetString() : null;
        }

        await killed.WaitForCrashAsync(CrashLimit, async () => id is not null && await CliNodes.JobIfEndedAsync(agencies.Analyst, id) is { } ended ? $"job {id} ended {ended}" : null);
        await killed.StartAsync();
        id ??= JsonDocument.Parse(await CliNodes.CliOkAsync(agencies.Analyst, "job", "list", "--json")).RootElement.GetProperty("jobs")
            .EnumerateArray().MaxBy(j => j.GetProperty("submittedAt").GetString())!.GetProperty("id").GetString()!;

        var ended = await CliNodes.EndOfJobAsync(agencies.Analyst, id);
        var failure = ended.GetProperty("failureCode").GetString();
        var expected = state == Succeeded ? string.Empty : victim == "insurer" ? "node-restarted" : "peer-unavailable";
        Assert.True(ended.GetProperty("state").GetString() == state && failure == expected, $"{id} ended {ended}\n{agencies.Nodes["insurer"].Log}");
        if (state == Succeeded)
        {
            Agencies.CheckResult(job, await CliNodes.CliOkAsync(agencies.Analyst, "job", "result", id, "--json"));
        }

        if (point == "result-disposed")
        {
            // The disposal was not committed: disposing of the result now works.
            await CliNodes.CliOkAsync(agencies.Analyst, "result", "dispose", id);
        }

        await agencies.CheckConsistentAsync();
        await agencies.RunAsync(job);
    }

    /// <summary>The three node processes, paired, with their datasets and the analyst's grants.</summary>
    public sealed class Agencies : IAsyncLifetime
    {
        /// <summary>The insurer's keys: two batches of blinded elements (4096 a batch).</summary>
        private const int Claimants = 5000;

        /// <summary>The providers' rows, keys from <see cref="HoldingsFrom"/> on.</summary>
        private const int Holdings = 5000;

        private const int HoldingsFrom = 50;

        /// <summary>Groups of the he-aggregate jobs.</summary>
        private const string Districts = "110101,110102,110105";

        private readonly CliNodes _nodes = new();
        private readonly Dictionary<string, string> _grants = new(StringComparer.Ordinal);
        private readonly Dictionary<string, CliNodes.Handle> _auditors = new(StringComparer.Ordinal);

        internal Dictionary<string, NodeProcess> Nodes { get; } = new(StringComparer.Ordinal);

        internal CliNodes.Handle Analyst { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            foreach (var name in new[] { "insurer", "bureau", "carrier" })
            {
                var node = new NodeProcess(await _nodes.InitAsync(name, peerPort: NodeProcess.FreePort()), [new("Node:Access:MaxSumUses", "200")]);
                Nodes[name] = node;
                await node.StartAsync();
                _auditors[name] = await CliNodes.AddUserAsync(node.Handle, "crash.auditor", "auditor");
            }

            var (insurer, bureau, carrier) = (Nodes["insurer"].Handle, Nodes["bureau"].Handle, Nodes["carrier"].Handle);
            await CliNodes.PairAsync(insurer, bureau);
            await CliNodes.PairAsync(insurer, carrier);
            await CliNodes.PairAsync(bureau, carrier);
            Analyst = await CliNodes.AddUserAsync(insurer, "li.na", "analyst");
            await DatasetAsync(insurer, "claimants", "id_number", 0, Claimants, _ => string.Empty);
            await DatasetAsync(insurer, "few", "id_number", 0, 100, _ => string.Empty);
            foreach (var provider in new[] { bureau, carrier })
            {
                await DatasetAsync(provider, "holdings", "id_number,amount,district", HoldingsFrom, Holdings,
                    i => string.Create(CultureInfo.InvariantCulture, $",{1000 + (i % 500)},{Districts.Split(',')[i % 3]}"));
            }

            _grants["bureau"] = await CliNodes.GrantAsync(Analyst, bureau, "holdings", "id_number,amount", "row-count,psi,psi-count,psi-payload", "count,membership,payload", "crash-main", 500);
            _grants["bureau-sum"] = await CliNodes.GrantAsync(Analyst, bureau, "holdings", "id_number,amount", "psi-sum", "sum", "crash-sum", 200);
            foreach (var provider in new[] { bureau, carrier })
            {
                _grants[Path.GetFileName(provider.DataDirectory) + "-he"] = await CliNodes.GrantAsync(Analyst, provider, "holdings", "amount,district", "he-aggregate", "sum", "crash-he", 200);
            }
        }

        public async Task DisposeAsync()
        {
            foreach (var node in Nodes.Values)
            {
                await node.DisposeAsync();
            }

            await _nodes.StopAllAsync();
        }

        /// <summary>Runs <paramref name="job"/>, which must succeed with the right result; returns its id.</summary>
        public async Task<string> RunAsync(string job)
        {
            var id = JsonDocument.Parse(await CliNodes.CliOkAsync(Analyst, ["job", "submit", .. Arguments(job), "--json"])).RootElement.GetProperty("id").GetString()!;
            var ended = await CliNodes.EndOfJobAsync(Analyst, id);
            Assert.True(ended.GetProperty("state").GetString() == Succeeded, $"{job} {id} ended {ended}");
            CheckResult(job, await CliNodes.CliOkAsync(Analyst, "job", "result", id, "--json"));
            return id;
        }

        /// <summary>Checks a result of <paramref name="job"/> (<c>job result --json</c>) against the datasets.</summary>
        public static void CheckResult(string job, string json)
        {
            var result = JsonDocument.Parse(json).RootElement.GetProperty("result");
            var metrics = result.GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("value").GetString()!);
            var rows = result.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("values").EnumerateArray().Select(v => v.GetString()!).ToArray()).ToList();
            switch (job)
            {
                case "row-count":
                    Assert.Equal(Holdings.ToString(CultureInfo.InvariantCulture), metrics["row_count"]);
                    break;
                case "psi-sum":
                    // few (0..99) meets holdings (50..) in 50 keys, of amounts 1050..1099.
                    Assert.Equal(["50", "53725"], rows.Single());
                    break;
                case "he-aggregate" or "he-aggregate-threshold":
                    Assert.Equal(4, rows.Count);
                    Assert.Equal(2 * Holdings, rows.Where(r => r[1] == "ok").Sum(r => int.Parse(r[2], CultureInfo.InvariantCulture)));
                    break;
                default:
                    Assert.Equal((Claimants - HoldingsFrom).ToString(CultureInfo.InvariantCulture), metrics["intersection_size"]);
                    break;
            }
        }

        /// <summary>Starts again every node that has stopped or is armed, so that a case that failed leaves the next its three nodes.</summary>
        public async Task ResetAsync()
        {
            foreach (var node in Nodes.Values.Where(n => !n.Healthy))
            {
                await node.StopAsync();
                await node.StartAsync();
            }
        }

        /// <summary>Marks <paramref name="provider"/>'s holdings file changed, so that its next psi job builds a new tag cache.</summary>
        public void TouchHoldings(string provider)
        {
            var path = Path.Combine(_nodes.Root, $"{provider}-holdings.csv");
            File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddSeconds(1));
        }

        /// <summary>
        /// What holds after any crash: results only for succeeded jobs and pages only of results; one end recorded per job started; grant uses
        /// equal to the admissions each provider recorded; and every audit chain verifies.
        /// </summary>
        public async Task CheckConsistentAsync()
        {
            await using (var store = CliNodes.OpenStore(Nodes["insurer"].Handle))
            {
                await store.OpenAsync();
                Assert.Equal(0L, await ScalarAsync(store, "SELECT COUNT(*) FROM job_results r JOIN jobs j ON j.id = r.job_id WHERE j.state <> 'Succeeded'"));
                Assert.Equal(0L, await ScalarAsync(store, "SELECT COUNT(*) FROM job_result_pages p WHERE NOT EXISTS (SELECT 1 FROM job_results r WHERE r.job_id = p.job_id)"));
                Assert.Equal(0L, await ScalarAsync(store, "SELECT COUNT(*) FROM jobs WHERE state IN ('Pending', 'Running')"));
            }

            var (_, requester) = await CliNodes.AuditExportAsync(_auditors["insurer"]);
            var ends = requester.Where(r => r.GetProperty("action").GetString() is "job.succeeded" or "job.failed" or "job.cancelled")
                .GroupBy(r => r.GetProperty("jobId").GetString()).ToDictionary(g => g.Key!, g => g.Count());
            foreach (var start in requester.Where(r => r.GetProperty("action").GetString() == "job.start"))
            {
                Assert.Equal(1, ends.GetValueOrDefault(start.GetProperty("jobId").GetString()!));
            }

            foreach (var provider in new[] { "bureau", "carrier" })
            {
                var (_, records) = await CliNodes.AuditExportAsync(_auditors[provider]);
                var grants = JsonDocument.Parse(await CliNodes.CliOkAsync(Nodes[provider].Handle, "grant", "list", "--json")).RootElement.GetProperty("grants");
                foreach (var grant in grants.EnumerateArray())
                {
                    var admitted = records.Count(r => r.GetProperty("action").GetString() == "policy.decision" && r.GetProperty("outcome").GetString() == "allow"
                        && r.GetProperty("grantId").GetString() == grant.GetProperty("id").GetString());
                    Assert.Equal(admitted.ToString(CultureInfo.InvariantCulture), grant.GetProperty("uses").GetString());
                }

                // Every admission has one outcome: a provider that stopped while serving the job writes it (node-restarted) when it starts.
                string? Job(JsonElement r) => r.GetProperty("jobId").GetString();
                var outcomes = records.Where(r => r.GetProperty("action").GetString() == "job.provide").GroupBy(Job).ToDictionary(g => g.Key!, g => g.Count());
                foreach (var admissions in records.Where(r => r.GetProperty("action").GetString() == "policy.decision" && r.GetProperty("outcome").GetString() == "allow").GroupBy(Job))
                {
                    Assert.True(admissions.Count() == outcomes.GetValueOrDefault(admissions.Key!), $"{provider}: job {admissions.Key} has {admissions.Count()} admissions and {outcomes.GetValueOrDefault(admissions.Key!)} job.provide records");
                }
            }
        }

        /// <summary>The <c>job submit</c> options of <paramref name="job"/>: a kind, or psi-rr22, or he-aggregate-threshold.</summary>
        public string[] Arguments(string job)
        {
            string[] he = ["--kind", "he-aggregate", "--part", $"{_grants["bureau-he"]}:amount,district", "--part", $"{_grants["carrier-he"]}:amount,district",
                "--value-range", "0:100000", "--groups", Districts];
            return job switch
            {
                "row-count" => ["--kind", job, "--grant", _grants["bureau"]],
                "psi" or "psi-count" => ["--kind", job, "--grant", _grants["bureau"], "--columns", "id_number", "--input", "claimants:id_number", "--suite", "ristretto255-sha512"],
                "psi-rr22" => ["--kind", "psi", "--grant", _grants["bureau"], "--columns", "id_number", "--input", "claimants:id_number", "--suite", "rr22"],
                "psi-payload" => ["--kind", job, "--grant", _grants["bureau"], "--columns", "id_number,amount", "--input", "claimants:id_number", "--suite", "ristretto255-sha512"],
                "psi-sum" => ["--kind", job, "--grant", _grants["bureau-sum"], "--columns", "id_number,amount", "--input", "few:id_number", "--value-range", "0:100000"],
                "he-aggregate" => he,
                "he-aggregate-threshold" => [.. he, "--threshold"],
                _ => throw new ArgumentException($"No job '{job}'.", nameof(job)),
            };
        }

        private async Task DatasetAsync(CliNodes.Handle node, string name, string header, int first, int count, Func<int, string> rest)
        {
            var csv = new StringBuilder(header).Append('\n');
            for (var i = first; i < first + count; i++)
            {
                csv.Append(ControlPlaneTests.ResidentId(i)).Append(rest(i)).Append('\n');
            }

            var path = Path.Combine(_nodes.Root, $"{Path.GetFileName(node.DataDirectory)}-{name}.csv");
            await File.WriteAllTextAsync(path, csv.ToString());
            await CliNodes.CliOkAsync(node, "dataset", "add", name, "--csv", path, "--grade", "L2", "--sharing", name == "holdings" ? "conditional" : "not-shared",
                "--key", "id_number:cn-resident-id", "--owner-unit", "Crash", "--responsible", "Crash");
        }

        private static async Task<long> ScalarAsync(System.Data.Common.DbConnection connection, string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
    }
}
