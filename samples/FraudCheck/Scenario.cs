using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using PrivacyNode.Samples.FraudCheck.Synthetic;

namespace PrivacyNode.Samples.FraudCheck;

/// <summary>
/// The 惠民保 direct-claims fraud check: an insurer asks the medical-insurance bureau and a telecom operator,
/// through their nodes and under grants they approved, the three questions that expose its planted fraud and
/// one about the fund's total exposure on the claimed stays, and every party's audit log is verified at the end.
/// Every step is a CLI command the agency's staff would type; the report says what was found, how well, what
/// each party learned, and how long it took.
/// </summary>
public sealed class Scenario(TextWriter output, int claims, int seed, string? keep)
{
    private const string Purpose = "Huiminbao direct claims: fraud screening of 2026 Q4 claims";
    private const string PurposeCode = "claims-fraud-check";
    private const string StayKey = "id_number+hospital+admitted";
    private const string StayKeyTypes = "cn-resident-id+text+date";
    private const string DayKey = "mobile+day+city";
    private const string DayKeyTypes = "cn-mobile+date+text";

    private static readonly string[] AgencyNames = ["insurer", "bureau", "operator"];

    private readonly List<(string Step, TimeSpan Took)> _timings = [];

    /// <summary>Runs every step and writes the report; 0 when every planted fraud is flagged, nothing else is, and the fund's total is right.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var root = keep ?? Directory.CreateTempSubdirectory("privacynode-fraud-check-").FullName;
        Directory.CreateDirectory(root);
        var agencies = new List<Agency>();
        try
        {
            return await RunAsync(root, agencies, cancellationToken);
        }
        finally
        {
            foreach (var agency in agencies)
            {
                await agency.DisposeAsync();
            }

            if (keep is null)
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private async Task<int> RunAsync(string root, List<Agency> agencies, CancellationToken ct)
    {
        var fundPaidOnClaimedStays = 0m;
        output.WriteLine($"PrivacyNode fraud check: an insurer, the medical-insurance bureau and a telecom operator (seed {seed}, {claims:N0} claims)");
        output.WriteLine("The insurer screens its claims against the bureau's settlements and the operator's phone presence.");
        output.WriteLine("Each agency's rows stay on its own node; the nodes run private set intersection jobs under grants.");
        output.WriteLine();

        var files = await StepAsync("Generate each agency's synthetic data", () =>
        {
            var data = Generator.Generate(claims, seed);
            var files = SyntheticFiles.Write(data, Path.Combine(root, "data"), seed);
            // The generator's books, which no node reads: what the fund paid for the claimed stays.
            fundPaidOnClaimedStays = data.Claims.Select(c => c.Stay).Distinct().Sum(s => s.FundPaid);
            return Task.FromResult((files, $"{data.Claims.Count:N0} claims ({files.NoisyClaims:N0} hand-keyed with formatting noise), {data.Settlements.Count:N0} settled stays, {files.PresenceRows:N0} phone-days"));
        });

        var (insurer, bureau, telco) = await StepAsync("Start three nodes on loopback, each with its own SQLite store", async () =>
        {
            foreach (var name in AgencyNames)
            {
                agencies.Add(await Agency.StartAsync(name, Path.Combine(root, "nodes", name), ct));
            }

            return ((agencies[0], agencies[1], agencies[2]), "insurer, bureau, operator");
        });

        await StepAsync("Pair the insurer with the bureau and with the operator (mutual TLS, pinned certificates)", async () =>
        {
            foreach (var provider in new[] { bureau, telco })
            {
                await insurer.RunAsync("admin", ct, "peer", "add", (await provider.RunAsync("admin", ct, "invite")).Trim());
                await provider.RunAsync("admin", ct, "peer", "add", (await insurer.RunAsync("admin", ct, "invite")).Trim());
                await insurer.RunAsync("admin", ct, "peer", "check", provider.Name);
            }

            await insurer.AddUserAsync("li.na", "analyst", ct);
            foreach (var agency in agencies)
            {
                await agency.AddUserAsync("auditor", "auditor", ct);
            }

            return (true, "both links checked; the insurer's analyst li.na and an auditor per node have their own tokens");
        });

        var claimDays = Path.Combine(root, "data", "insurer", "claim_days.csv");
        await StepAsync("Register the datasets (only metadata leaves a node)", async () =>
        {
            var stays = WriteClaimDays(files.Claims, claimDays);
            await AddDatasetAsync(insurer, "claims", ["--csv", files.Claims], "not-shared", $"{StayKey}:{StayKeyTypes}", "Claims department", "Zhao Lei");
            await AddDatasetAsync(insurer, "claim-days", ["--csv", claimDays], "not-shared", $"{DayKey}:{DayKeyTypes}", "Claims department", "Zhao Lei");
            await AddDatasetAsync(bureau, "settled-in-full", ["--sqlite", files.BureauDatabase, "--table", SyntheticFiles.SettledInFullView], "conditional", $"{StayKey}:{StayKeyTypes}", "Settlement division", "Wang Fang");
            await AddDatasetAsync(bureau, "open-settlements", ["--sqlite", files.BureauDatabase, "--table", SyntheticFiles.OpenSettlementsView], "conditional", $"{StayKey}:{StayKeyTypes}", "Settlement division", "Wang Fang");
            await AddDatasetAsync(bureau, "fund-paid", ["--sqlite", files.BureauDatabase, "--table", SyntheticFiles.FundPaidView], "conditional", $"{StayKey}:{StayKeyTypes}", "Settlement division", "Wang Fang");
            await AddDatasetAsync(telco, "presence", ["--csv", files.Presence], "conditional", $"{DayKey}:{DayKeyTypes}", "Big-data office", "Chen Jie");
            return (true, $"insurer: claims, claim-days ({stays:N0} stay days); bureau: settled-in-full, open-settlements, fund-paid (views of one table); operator: presence");
        });

        var grants = await StepAsync("File the four requests and have the providers approve them", async () =>
        {
            var asks = new[]
            {
                (Provider: bureau, Dataset: "settled-in-full", Columns: StayKey, Kind: "psi", Output: "membership"),
                (Provider: bureau, Dataset: "open-settlements", Columns: StayKey + ",self_paid", Kind: "psi-payload", Output: "payload"),
                (Provider: telco, Dataset: "presence", Columns: DayKey, Kind: "psi", Output: "membership"),
                (Provider: bureau, Dataset: "fund-paid", Columns: StayKey + ",fund_paid", Kind: "psi-sum", Output: "sum"),
            };
            var granted = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var ask in asks)
            {
                await insurer.RunAsync("li.na", ct, "request", "file", "--peer", ask.Provider.Name, "--dataset", ask.Dataset, "--columns", ask.Columns,
                    "--kinds", ask.Kind, "--outputs", ask.Output, "--purpose", Purpose, "--purpose-code", PurposeCode, "--to", "2027-03-31", "--responsible", "Zhao Lei");
                var request = (await ask.Provider.JsonAsync("admin", ct, "request", "list", "--incoming")).GetProperty("requests").EnumerateArray()
                    .Single(r => Text(r, "terms", "dataset") == ask.Dataset && Text(r, "state") == "REQUEST_STATE_PENDING");
                await ask.Provider.RunAsync("admin", ct, "request", "approve", Text(request, "id"), "--peer", insurer.Name, "--max-uses", "3",
                    "--min-result-size", "3", "--responsible", ask.Provider == bureau ? "Wang Fang" : "Chen Jie");
            }

            foreach (var grant in (await insurer.JsonAsync("li.na", ct, "grant", "list", "--held")).GetProperty("grants").EnumerateArray())
            {
                granted[Text(grant, "terms", "dataset")] = Text(grant, "id");
            }

            return (granted, "each grant: this purpose only, the named columns and job kind, 3 uses, results under 3 matches suppressed, until 2027-03-31");
        });

        var settledInFull = await JobAsync("Job 1, psi with the bureau: which claimed stays did the bureau already settle in full?", insurer, grants["settled-in-full"],
            "psi", StayKey, $"claims:{StayKey}", ct);
        var openSettlements = await JobAsync("Job 2, psi-payload with the bureau: what did the patient pay themselves for each claimed stay?", insurer, grants["open-settlements"],
            "psi-payload", StayKey + ",self_paid", $"claims:{StayKey}", ct);
        var presentDays = await JobAsync("Job 3, psi with the operator: on which stay days was the claimant's phone in the hospital's city?", insurer, grants["presence"],
            "psi", DayKey, $"claim-days:{DayKey}", ct);
        var fundPaid = await JobAsync("Job 4, psi-sum with the bureau: how many claimed stays did the bureau settle, and what did its fund pay for them in all?", insurer,
            grants["fund-paid"], "psi-sum", StayKey + ",fund_paid", $"claims:{StayKey}", ct, "--value-range", "0.00:10000000.00");

        var audit = await StepAsync("Export and verify all three audit logs", async () =>
        {
            var exports = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var agency in agencies)
            {
                exports[agency.Name] = Path.Combine(root, agency.Name + "-audit.jsonl");
                await agency.RunAsync("auditor", ct, "audit", "export", "--out", exports[agency.Name]);
            }

            var lines = new List<string>();
            foreach (var agency in agencies)
            {
                var peers = agencies.Where(a => a != agency && (a == insurer || agency == insurer)).SelectMany(a => new[] { "--peer-export", exports[a.Name] });
                var verdict = await agency.RunAsync("auditor", ct, ["audit", "verify", exports[agency.Name], .. peers]);
                var summary = verdict.Trim().Split('\n')[0];
                lines.Add($"{agency.Name,-9} {(summary.Contains(" (", StringComparison.Ordinal) ? summary[..summary.IndexOf(" (", StringComparison.Ordinal)] : summary)}");
            }

            return ((exports, lines), $"{lines.Count} logs verified, receipts matched across nodes");
        });

        var findings = Findings.From(files.Claims, claimDays, settledInFull, openSettlements, presentDays);
        var report = new Report(output, findings, Findings.ReadTruth(files.Truth));
        report.WriteFlags();
        report.WriteScore();
        report.WriteFundTotal(fundPaid, fundPaidOnClaimedStays);
        report.WriteLearned(settledInFull, openSettlements, presentDays, fundPaid, audit.exports);
        output.WriteLine();
        output.WriteLine("Audit logs (hash chains, Ed25519 signatures, cross-node receipts):");
        foreach (var line in audit.lines)
        {
            output.WriteLine("  " + line);
        }

        output.WriteLine();
        output.WriteLine($"Total {_timings.Aggregate(TimeSpan.Zero, (a, t) => a + t.Took).TotalSeconds:0.0} s." + (keep is null ? string.Empty : $" Nodes, data and audit exports are kept in {keep}."));
        return report.AllFoundWithoutFalseFlags && report.FundTotalAgrees ? 0 : 1;
    }

    private async Task<JsonElement> JobAsync(string step, Agency insurer, string grant, string kind, string columns, string input, CancellationToken ct, params string[] extra) =>
        await StepAsync(step, async () =>
        {
            var submitted = await insurer.JsonAsync("li.na", ct, ["job", "submit", "--kind", kind, "--grant", grant, "--columns", columns, "--input", input, .. extra]);
            var id = Text(submitted, "id");
            await insurer.RunAsync("li.na", ct, "job", "watch", id);
            var result = (await insurer.JsonAsync("li.na", ct, "job", "result", id)).GetProperty("result");
            return (result, $"{Metric(result, "intersection_size"):N0} of {Metric(result, "requester_set_size"):N0} matched; the provider learned only how many keys were asked about");
        });

    private static async Task AddDatasetAsync(Agency agency, string name, string[] source, string sharing, string key, string owner, string responsible) =>
        await agency.RunAsync("admin", CancellationToken.None, ["dataset", "add", name, .. source, "--grade", "L3", "--sharing", sharing, "--key", key,
            "--owner-unit", owner, "--responsible", responsible]);

    /// <summary>The insurer's own preprocessing: one row per claim per stay day, in the hospital's city.</summary>
    private static int WriteClaimDays(string claimsCsv, string path)
    {
        var lines = new StringBuilder("claim_id,mobile,day,city\n");
        var count = 0;
        foreach (var claim in Findings.ReadClaims(claimsCsv))
        {
            for (var day = claim.Admitted; day <= claim.Discharged; day = day.AddDays(1), count++)
            {
                lines.Append(CultureInfo.InvariantCulture, $"{claim.Id},{claim.Mobile},{SyntheticFiles.Iso(day)},{Hospital.ByCode(claim.Hospital).City}\n");
            }
        }

        File.WriteAllText(path, lines.ToString());
        return count;
    }

    private async Task<T> StepAsync<T>(string step, Func<Task<(T Value, string Detail)>> run)
    {
        var clock = Stopwatch.StartNew();
        var (value, detail) = await run();
        _timings.Add((step, clock.Elapsed));
        output.WriteLine($"{_timings.Count,2}. {step}  [{clock.Elapsed.TotalSeconds:0.0} s]");
        output.WriteLine($"    {detail}");
        return value;
    }

    internal static long Metric(JsonElement result, string name) =>
        result.GetProperty("metrics").EnumerateArray().Where(m => Text(m, "name") == name).Select(m => long.Parse(m.GetProperty("value").ToString(), CultureInfo.InvariantCulture)).Single();

    private static string Text(JsonElement element, params string[] path) =>
        path.Aggregate(element, (e, p) => e.GetProperty(p)).GetString() ?? string.Empty;
}
