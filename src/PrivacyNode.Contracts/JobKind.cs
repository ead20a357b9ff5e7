namespace PrivacyNode.Contracts;

/// <summary>
/// One kind of job as every node and the CLI know it: its name in specs, requests and grants, the output mode it produces, and the
/// shape of its spec. The one list of kinds; nothing else spells their names.
/// </summary>
/// <param name="Name">The kind's name on the wire.</param>
/// <param name="OutputMode">What its result reveals: count (sizes only), membership (which requester rows match), payload (granted provider columns for matches), sum (aggregates).</param>
/// <param name="MatchesRequesterSet">It matches a set of the requester's keys, so a grant's minimum requester set size applies.</param>
/// <param name="WithoutDeviationProof">A requester running modified software can learn more than the result, one chosen value per job, and no proof stops it (SECURITY.md): its grants' uses are capped.</param>
/// <param name="HasParts">Its spec names several providers, one part (grant and columns) each, instead of one grant.</param>
public sealed record JobKind(string Name, string OutputMode, bool MatchesRequesterSet, bool WithoutDeviationProof, bool HasParts)
{
    public const string RowCountName = "row-count";

    public static readonly JobKind RowCount = new(RowCountName, "count", MatchesRequesterSet: false, WithoutDeviationProof: false, HasParts: false);

    public const string PsiName = "psi";

    public static readonly JobKind Psi = new(PsiName, "membership", MatchesRequesterSet: true, WithoutDeviationProof: false, HasParts: false);

    public const string PsiCountName = "psi-count";

    public static readonly JobKind PsiCount = new(PsiCountName, "count", MatchesRequesterSet: true, WithoutDeviationProof: false, HasParts: false);

    public const string PsiPayloadName = "psi-payload";

    public static readonly JobKind PsiPayload = new(PsiPayloadName, "payload", MatchesRequesterSet: true, WithoutDeviationProof: false, HasParts: false);

    public const string PsiSumName = "psi-sum";

    public static readonly JobKind PsiSum = new(PsiSumName, "sum", MatchesRequesterSet: true, WithoutDeviationProof: true, HasParts: false);

    public const string HeAggregateName = "he-aggregate";

    public static readonly JobKind HeAggregate = new(HeAggregateName, "sum", MatchesRequesterSet: false, WithoutDeviationProof: true, HasParts: true);

    /// <summary>Every kind.</summary>
    public static IReadOnlyList<JobKind> All { get; } = [RowCount, Psi, PsiCount, PsiPayload, PsiSum, HeAggregate];

    /// <summary>Every output mode, in the order the documentation lists them.</summary>
    public static IReadOnlyList<string> OutputModes { get; } = ["count", "membership", "payload", "sum"];

    /// <summary>The kind named <paramref name="name"/>, or null.</summary>
    public static JobKind? Find(string? name) => All.FirstOrDefault(k => k.Name == name);

    /// <summary>Whether <paramref name="name"/> names this kind.</summary>
    public bool Is(string? name) => Name == name;

    public override string ToString() => Name;
}
