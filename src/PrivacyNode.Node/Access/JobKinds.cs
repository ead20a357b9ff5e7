namespace PrivacyNode.Node.Access;

/// <summary>The job kinds and output modes a request and a grant name, and the output mode each kind produces.</summary>
public static class JobKinds
{
    public const string RowCount = "row-count";

    /// <summary>Every job kind, with the output mode it produces.</summary>
    public static IReadOnlyDictionary<string, string> OutputModeOf { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [RowCount] = "count",
        ["psi"] = "membership",
        ["psi-count"] = "count",
        ["psi-payload"] = "payload",
        ["psi-sum"] = "sum",
        ["he-aggregate"] = "sum",
    };

    /// <summary>The kinds that match a set of the requester's keys, to which a grant's minimum requester set size applies.</summary>
    public static IReadOnlySet<string> WithRequesterSet { get; } = new HashSet<string>(StringComparer.Ordinal) { "psi", "psi-count", "psi-payload", "psi-sum" };

    /// <summary>
    /// Null when <paramref name="outputModes"/> are exactly the modes <paramref name="kinds"/> produce (a grant holds (kind, mode)
    /// pairs, never a mode apart from its kind); otherwise why not.
    /// </summary>
    public static string? CheckPairs(IReadOnlyCollection<string> kinds, IReadOnlyCollection<string> outputModes)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(outputModes);
        var produced = kinds.Select(k => OutputModeOf[k]).ToHashSet(StringComparer.Ordinal);
        return produced.SetEquals(outputModes)
            ? null
            : $"Each job kind has one output mode ({string.Join(", ", kinds.Select(k => $"{k}: {OutputModeOf[k]}"))}); the output modes must be exactly {string.Join(", ", produced.Order(StringComparer.Ordinal))}.";
    }

    /// <summary>
    /// The (kind, mode) pairs of <paramref name="kinds"/> whose mode is in <paramref name="outputModes"/>: what a grant narrowed to both
    /// allows, as the kinds and their modes.
    /// </summary>
    public static (List<string> Kinds, List<string> OutputModes) Pairs(IEnumerable<string> kinds, IReadOnlyCollection<string> outputModes)
    {
        var kept = kinds.Where(k => OutputModeOf.TryGetValue(k, out var mode) && outputModes.Contains(mode)).ToList();
        return (kept, kept.Select(k => OutputModeOf[k]).Distinct(StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// The kinds where a requester running modified software can learn more than the result, one chosen value per job, and no proof
    /// stops it (SECURITY.md): their grants' uses are capped by Node:Access:MaxSumUses.
    /// </summary>
    public static IReadOnlyList<string> WithoutDeviationProof { get; } = ["psi-sum", "he-aggregate"];

    /// <summary>The output modes: count (sizes only), membership (which requester rows match), payload (granted provider columns for matches), sum (aggregates).</summary>
    public static IReadOnlyList<string> OutputModes { get; } = ["count", "membership", "payload", "sum"];
}
