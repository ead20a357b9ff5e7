using System.Globalization;
using System.Text.Json;
using PrivacyNode.Node.Catalog;
using PrivacyNode.Samples.FraudCheck.Synthetic;

namespace PrivacyNode.Samples.FraudCheck;

/// <summary>A claim as the insurer's own file holds it (row is 1-based, as job results number rows).</summary>
internal sealed record ClaimRow(int Row, string Id, string Mobile, string Hospital, DateOnly Admitted, DateOnly Discharged, decimal Amount);

/// <summary>A claim the insurer flags, the fraud it suggests (null: no settlement on record at all), and why.</summary>
internal sealed record Flag(ClaimRow Claim, Fraud? Suspected, string Evidence);

/// <summary>The insurer's conclusions from its own data and the three job results, and nothing else.</summary>
internal static class Findings
{
    /// <summary>
    /// Double reimbursement: the stay is among the bureau's settled-in-full stays. Inflated amount: the claim exceeds
    /// the self-paid amount of the stay's open settlement. Phantom stay: the phone was in the hospital's city on
    /// fewer than half of the stay days. No settlement on record: the stay matched neither bureau dataset.
    /// </summary>
    public static List<Flag> From(string claimsCsv, string claimDaysCsv, JsonElement settledInFull, JsonElement openSettlements, JsonElement presentDays)
    {
        var claims = ReadClaims(claimsCsv).ToList();
        var flags = new List<Flag>();
        var settled = new HashSet<int>();
        foreach (var values in Rows(settledInFull))
        {
            var claim = claims[int.Parse(values[0], CultureInfo.InvariantCulture) - 1];
            settled.Add(claim.Row);
            flags.Add(new Flag(claim, Fraud.DoubleReimbursement, "the bureau already settled this stay in full"));
        }

        foreach (var values in Rows(openSettlements))
        {
            var claim = claims[int.Parse(values[0], CultureInfo.InvariantCulture) - 1];
            settled.Add(claim.Row);
            var selfPaid = decimal.Parse(values[2], CultureInfo.InvariantCulture);
            if (claim.Amount > selfPaid)
            {
                flags.Add(new Flag(claim, Fraud.InflatedAmount, $"claims {claim.Amount:N2} yuan; the patient paid {selfPaid:N2} yuan themselves"));
            }
        }

        flags.AddRange(claims.Where(c => !settled.Contains(c.Row)).Select(c => new Flag(c, null, "the bureau has no settlement for this stay")));

        var dayOwners = File.ReadLines(claimDaysCsv).Skip(1).Select(l => l[..l.IndexOf(',', StringComparison.Ordinal)]).ToList();
        var present = Rows(presentDays).Select(v => dayOwners[int.Parse(v[0], CultureInfo.InvariantCulture) - 1]).CountBy(id => id).ToDictionary();
        foreach (var claim in claims)
        {
            var days = claim.Discharged.DayNumber - claim.Admitted.DayNumber + 1;
            var seen = present.GetValueOrDefault(claim.Id);
            if (2 * seen < days)
            {
                flags.Add(new Flag(claim, Fraud.PhantomStay, $"the phone was in {Hospital.ByCode(claim.Hospital).City} on {seen} of {days} stay days"));
            }
        }

        return flags;
    }

    /// <summary>The insurer's claims file; dates are read with the same rules the node normalizes keys by.</summary>
    public static IEnumerable<ClaimRow> ReadClaims(string path) =>
        File.ReadLines(path).Skip(1).Select((line, i) =>
        {
            var f = line.Split(',');
            return new ClaimRow(i + 1, f[0], f[2], f[3], Date(f[4]), Date(f[5]), decimal.Parse(f[6], CultureInfo.InvariantCulture));
        });

    /// <summary>The planted fraud per claim ID, for scoring only.</summary>
    public static Dictionary<string, Fraud> ReadTruth(string path) =>
        File.ReadLines(path).Skip(1).Select(l => l.Split(',')).ToDictionary(f => f[0], f => Enum.Parse<Fraud>(f[1]), StringComparer.Ordinal);

    private static DateOnly Date(string text) =>
        KeyTypes.TryNormalize(KeyTypes.Date, text, out var canonical, out var error)
            ? DateOnly.ParseExact(canonical, "yyyy-MM-dd", CultureInfo.InvariantCulture)
            : throw new ScenarioException($"Bad date '{text}' in the claims file: {error}.");

    private static IEnumerable<string[]> Rows(JsonElement result) =>
        result.TryGetProperty("rows", out var rows)
            ? rows.EnumerateArray().Select(r => r.GetProperty("values").EnumerateArray().Select(v => v.GetString() ?? string.Empty).ToArray())
            : [];
}
