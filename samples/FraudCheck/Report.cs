using System.Text.Json;
using PrivacyNode.Samples.FraudCheck.Synthetic;

namespace PrivacyNode.Samples.FraudCheck;

/// <summary>What was flagged, how it scores against the planted truth, and what each party learned.</summary>
internal sealed class Report(TextWriter output, List<Flag> flags, Dictionary<string, Fraud> truth)
{
    private const int ExamplesPerReason = 4;

    /// <summary>Every planted fraud was flagged for the right reason, and nothing else was flagged.</summary>
    public bool AllFoundWithoutFalseFlags { get; private set; }

    public void WriteFlags()
    {
        output.WriteLine();
        output.WriteLine($"Flagged claims: {flags.Select(f => f.Claim.Id).Distinct().Count():N0} of {truth.Count:N0}");
        foreach (var group in flags.GroupBy(f => f.Suspected).OrderBy(g => g.Key is null ? int.MaxValue : (int)g.Key))
        {
            output.WriteLine($"  {Name(group.Key)}: {group.Count():N0}");
            foreach (var flag in group.Take(ExamplesPerReason))
            {
                var c = flag.Claim;
                output.WriteLine($"    {c.Id}  {Hospital.ByCode(c.Hospital).Name}, {c.Admitted:yyyy-MM-dd} to {c.Discharged:yyyy-MM-dd}: {flag.Evidence}");
            }

            if (group.Count() > ExamplesPerReason)
            {
                output.WriteLine($"    … and {group.Count() - ExamplesPerReason:N0} more");
            }
        }
    }

    public void WriteScore()
    {
        var planted = truth.Where(t => t.Value != Fraud.None).Select(t => (t.Key, t.Value)).ToHashSet();
        var found = flags.Where(f => f.Suspected is not null).Select(f => (f.Claim.Id, f.Suspected!.Value)).ToHashSet();
        var unexplained = flags.Count(f => f.Suspected is null);
        var right = found.Intersect(planted).Count();
        var flagged = found.Count + unexplained;
        output.WriteLine();
        output.WriteLine("Against the planted truth (the generator's answer key, which no node reads):");
        output.WriteLine($"  precision {Percent(right, flagged)} ({right:N0} of {flagged:N0} flags are planted fraud of that kind)");
        output.WriteLine($"  recall    {Percent(right, planted.Count)} ({right:N0} of {planted.Count:N0} planted frauds found)");
        foreach (var kind in new[] { Fraud.DoubleReimbursement, Fraud.InflatedAmount, Fraud.PhantomStay })
        {
            var of = planted.Count(p => p.Value == kind);
            output.WriteLine($"    {Name(kind),-22} {found.Count(f => f.Item2 == kind && planted.Contains(f)):N0} of {of:N0}");
        }

        AllFoundWithoutFalseFlags = right == planted.Count && right == flagged;
    }

    /// <summary>The fund's total over the claimed stays, from psi-sum, equals the generator's books.</summary>
    public bool FundTotalAgrees { get; private set; }

    /// <summary>psi-sum's answer (how many claimed stays the bureau settled, and the fund's total for them) beside the generator's books.</summary>
    public void WriteFundTotal(JsonElement fundPaid, decimal expected)
    {
        var row = fundPaid.GetProperty("rows")[0].GetProperty("values");
        var total = decimal.Parse(row[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        FundTotalAgrees = total == expected;
        output.WriteLine();
        output.WriteLine("The fund's exposure on the claimed stays (psi-sum with the bureau: totals only, no stay or amount):");
        output.WriteLine($"  {Scenario.Metric(fundPaid, "intersection_size"):N0} claimed stays were settled by the bureau; its fund paid {total:N2} yuan for them in all");
        output.WriteLine($"  the generator's books say {expected:N2} yuan: {(FundTotalAgrees ? "they agree" : "THEY DISAGREE")}");
    }

    /// <summary>The insurer's side from its job results; the providers' side from their own audit logs.</summary>
    public void WriteLearned(JsonElement settledInFull, JsonElement openSettlements, JsonElement presentDays, JsonElement fundPaid, IReadOnlyDictionary<string, string> auditExports)
    {
        output.WriteLine();
        output.WriteLine("What each party learned:");
        output.WriteLine($"  insurer   which {Scenario.Metric(settledInFull, "intersection_size"):N0} of its {Scenario.Metric(settledInFull, "requester_set_size"):N0} claimed stays the bureau settled in full;");
        output.WriteLine($"            the self-paid amount of the {Scenario.Metric(openSettlements, "intersection_size"):N0} claimed stays with an open settlement;");
        output.WriteLine($"            on which {Scenario.Metric(presentDays, "intersection_size"):N0} of its {Scenario.Metric(presentDays, "requester_set_size"):N0} stay days the claimant's phone was in the hospital's city;");
        output.WriteLine($"            how many of its claimed stays the bureau settled ({Scenario.Metric(fundPaid, "intersection_size"):N0}) and the fund's total for them, not which nor any one amount.");
        output.WriteLine($"            Of the bureau's other stays and the operator's other {Scenario.Metric(presentDays, "provider_set_size") - Scenario.Metric(presentDays, "intersection_size"):N0} phone-days, only how many there are.");
        foreach (var (provider, export) in auditExports.Where(e => e.Key != "insurer"))
        {
            var served = File.ReadLines(export).Skip(1).Select(l => JsonDocument.Parse(l).RootElement)
                .Where(r => r.GetProperty("action").GetString() == "job.provide" && r.GetProperty("outcome").GetString() == "ok")
                .Select(r => (Dataset: r.GetProperty("dataset").GetString(), Size: Detail(r, "requester_set_size"), Counted: Detail(r, "intersection_size")))
                .ToList();
            var asked = string.Join(", ", served.Select(s => $"{long.Parse(s.Size, System.Globalization.CultureInfo.InvariantCulture):N0} keys ({s.Dataset})"));
            output.WriteLine($"  {provider,-9} that the insurer asked about {asked}, hidden from it (blinded or encoded);");
            foreach (var (dataset, _, counted) in served.Where(s => s.Counted.Length > 0))
            {
                output.WriteLine($"            how many of the {dataset} keys matched ({long.Parse(counted, System.Globalization.CultureInfo.InvariantCulture):N0}), decrypted to enforce its minimum result size;");
            }

            output.WriteLine("            not which of them matched, and no claim, amount or phone number.");
        }
    }

    private static string Detail(JsonElement record, string name) =>
        record.GetProperty("details").EnumerateArray().Where(d => d.GetProperty("key").GetString() == name).Select(d => d.GetProperty("value").GetString()!).SingleOrDefault(string.Empty);

    private static string Name(Fraud? kind) => kind switch
    {
        Fraud.DoubleReimbursement => "double reimbursement",
        Fraud.InflatedAmount => "inflated amount",
        Fraud.PhantomStay => "phantom stay",
        _ => "no settlement on record",
    };

    private static string Percent(int part, int whole) => whole == 0 ? "n/a" : $"{100.0 * part / whole:0.0}%";
}
