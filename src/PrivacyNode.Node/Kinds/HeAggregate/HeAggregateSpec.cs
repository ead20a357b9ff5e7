using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Aggregate;
using PrivacyNode.Node.Jobs;

namespace PrivacyNode.Node.Kinds.HeAggregate;

/// <summary>
/// The shape of an he-aggregate job (docs/protocols/he-aggregate.md), checked the same way by the requester at submit
/// and by every provider at admission: two or more parts with distinct grants, the aggregator first, each naming its
/// value column and, when the job groups, its group-by column; the declared value range; and the group domain.
/// </summary>
public sealed class HeAggregateSpec
{
    public const string Kind = JobKind.HeAggregateName;

    /// <summary>The most providers of one job.</summary>
    public const int MaxParts = PeerInput.MaxParts;

    /// <summary>The longest group code, in characters.</summary>
    public const int MaxGroupCodeLength = PeerInput.MaxGroupCode;

    /// <summary>The name of the one group of a job without a group-by column.</summary>
    public const string AllRows = "(all)";

    /// <summary>
    /// The group after the declared ones in a grouped job: rows whose code is outside the domain. It is always suppressed, so a code
    /// outside the domain neither fails the job nor is revealed.
    /// </summary>
    public const string Other = "(other)";

    private HeAggregateSpec(IReadOnlyList<JobPart> parts, ValueRange range, IReadOnlyList<string> groups, bool grouped, bool threshold)
    {
        Parts = parts;
        Range = range;
        Groups = groups;
        Grouped = grouped;
        Threshold = threshold;
    }

    /// <summary>The providers, the aggregator first.</summary>
    public IReadOnlyList<JobPart> Parts { get; }

    public ValueRange Range { get; }

    /// <summary>The group codes in result order (slot order), then <see cref="Other"/>; or just <see cref="AllRows"/>.</summary>
    public IReadOnlyList<string> Groups { get; }

    /// <summary>Whether the parts name a group-by column.</summary>
    public bool Grouped { get; }

    /// <summary>The slot of <see cref="Other"/>, which the aggregator always suppresses; null when the job does not group.</summary>
    public int? OtherSlot => Grouped ? Groups.Count - 1 : null;

    /// <summary>Whether the providers hold shares of a collective key (ThresholdAggregate) rather than relay sealed contributions.</summary>
    public bool Threshold { get; }

    /// <summary>Limb planes of each provider's sums.</summary>
    public int Planes => HeAggregateParameters.Planes(Range.Low, Range.High, HeAggregateParameters.LimbBits(Parts.Count));

    /// <summary>Reads and checks an he-aggregate spec; false with a reason the analyst can act on.</summary>
    public static bool TryParse(JobSpec spec, out HeAggregateSpec parsed, out string error)
    {
        ArgumentNullException.ThrowIfNull(spec);
        parsed = null!;
        error = Problem(spec) ?? string.Empty;
        if (error.Length > 0 || !ValueRange.TryParse(spec.ValueMin, spec.ValueMax, out var range, out error))
        {
            return false;
        }

        var grouped = spec.Parts[0].Columns.Count == 2;
        parsed = new HeAggregateSpec(spec.Parts, range, grouped ? [.. spec.GroupDomain, Other] : [AllRows], grouped, spec.Threshold);
        return true;
    }

    /// <summary>The spec as part <paramref name="index"/>'s provider receives it: peer, grant, dataset and columns are that part's.</summary>
    public static JobSpec ForPart(JobSpec spec, int index)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var copy = spec.Clone();
        AddressTo(copy, index);
        return copy;
    }

    /// <summary>Sets the spec's own peer, grant, dataset and columns to part <paramref name="index"/>'s.</summary>
    public static void AddressTo(JobSpec spec, int index)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var part = spec.Parts[index];
        (spec.Peer, spec.GrantId, spec.Dataset) = (part.Peer, part.GrantId, part.Dataset);
        spec.Columns.Clear();
        spec.Columns.AddRange(part.Columns);
    }

    /// <summary>
    /// The position among the parts of the one a provider received (its peer, grant, dataset and columns match), or −1.
    /// </summary>
    public int IndexOfReceived(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        for (var i = 0; i < Parts.Count; i++)
        {
            var part = Parts[i];
            if (part.GrantId == spec.GrantId && part.Dataset == spec.Dataset && part.Columns.SequenceEqual(spec.Columns))
            {
                return i;
            }
        }

        return -1;
    }

    private static string? Problem(JobSpec spec)
    {
        if (spec.Parts.Count is < 2 or > MaxParts)
        {
            return $"An he-aggregate job names 2 to {MaxParts} providers, one --part grant:value_column[,group_column] each (the first is the aggregator); got {spec.Parts.Count}.";
        }

        if (spec.Parts.Any(p => string.IsNullOrEmpty(p.GrantId)) || spec.Parts.Select(p => p.GrantId).Distinct(StringComparer.Ordinal).Count() != spec.Parts.Count)
        {
            return "Each part of an he-aggregate job names its own grant, and no grant twice.";
        }

        if (spec.Parts.Any(p => p.Columns.Count is < 1 or > 2 || p.Columns.Any(string.IsNullOrEmpty)))
        {
            return "Each part of an he-aggregate job names its value column and, if the job groups, its group-by column (grant:value_column[,group_column]).";
        }

        var grouped = spec.Parts[0].Columns.Count == 2;
        if (spec.Parts.Any(p => (p.Columns.Count == 2) != grouped))
        {
            return "Either every part of an he-aggregate job names a group-by column, or none does.";
        }

        if (grouped != (spec.GroupDomain.Count > 0))
        {
            return grouped
                ? "A grouped he-aggregate job declares its group codes (--groups code1,code2,... or --groups-file with one code per line)."
                : "Group codes are declared only when the parts name a group-by column.";
        }

        if (spec.GroupDomain.Count > HeAggregateParameters.MaxGroups - 1)
        {
            return $"An he-aggregate job sums at most {HeAggregateParameters.MaxGroups - 1} declared groups (one more slot holds {Other}); {spec.GroupDomain.Count} were declared.";
        }

        if (spec.GroupDomain.Contains(Other) || spec.GroupDomain.Contains(AllRows))
        {
            return $"Group codes {Other} and {AllRows} are reserved.";
        }

        if (spec.GroupDomain.FirstOrDefault(g => g.Length is 0 or > MaxGroupCodeLength || g != g.Trim()) is { } bad)
        {
            return $"Group code '{(bad.Length > MaxGroupCodeLength ? bad[..MaxGroupCodeLength] + "…" : bad)}' is empty, longer than {MaxGroupCodeLength} characters, or padded with spaces.";
        }

        if (spec.GroupDomain.Distinct(StringComparer.Ordinal).Count() != spec.GroupDomain.Count)
        {
            var repeated = spec.GroupDomain.GroupBy(g => g, StringComparer.Ordinal).First(g => g.Count() > 1).Key;
            return $"Group code '{repeated}' is declared twice.";
        }

        return null;
    }
}
