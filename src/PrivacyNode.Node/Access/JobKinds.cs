using PrivacyNode.Contracts;

namespace PrivacyNode.Node.Access;

/// <summary>The job kinds and output modes a request and a grant name (<see cref="JobKind"/>), as the policy pairs them.</summary>
public static class JobKinds
{
    /// <summary>Every job kind, with the output mode it produces.</summary>
    public static IReadOnlyDictionary<string, string> OutputModeOf { get; } = JobKind.All.ToDictionary(k => k.Name, k => k.OutputMode, StringComparer.Ordinal);

    /// <summary>The kinds that match a set of the requester's keys, to which a grant's minimum requester set size applies.</summary>
    public static IReadOnlySet<string> WithRequesterSet { get; } = JobKind.All.Where(k => k.MatchesRequesterSet).Select(k => k.Name).ToHashSet(StringComparer.Ordinal);

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

    /// <summary>The kinds whose grants' uses are capped by Node:Access:MaxSumUses (<see cref="JobKind.WithoutDeviationProof"/>).</summary>
    public static IReadOnlyList<string> WithoutDeviationProof { get; } = [.. JobKind.All.Where(k => k.WithoutDeviationProof).Select(k => k.Name)];
}
