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

    /// <summary>The output modes: count (sizes only), membership (which requester rows match), payload (granted provider columns for matches), sum (aggregates).</summary>
    public static IReadOnlyList<string> OutputModes { get; } = ["count", "membership", "payload", "sum"];
}
