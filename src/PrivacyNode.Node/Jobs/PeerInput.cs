using Grpc.Core;
using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Node.Jobs;

/// <summary>
/// Caps on every string and list a peer sends in a job admission or an access request, checked before anything is decided, stored
/// or audited, so that a paired peer cannot grow this node's store with what it sends. Refusals name the field, never its content.
/// </summary>
internal static class PeerInput
{
    /// <summary>The longest identifier: job, grant and request ids, node, dataset and column names, kinds, modes, suites, codes.</summary>
    public const int MaxName = 128;

    /// <summary>The most columns one job or request names.</summary>
    public const int MaxColumns = 64;

    /// <summary>The longest free text (purpose, reasons, responsible persons).</summary>
    public const int MaxText = 2000;

    /// <summary>The most parts (providers) of one job.</summary>
    public const int MaxParts = 64;

    /// <summary>The longest group code, in characters.</summary>
    public const int MaxGroupCode = 128;

    /// <summary>Throws INVALID_ARGUMENT when <paramref name="admission"/> holds a string or list beyond the caps.</summary>
    public static void Check(JobAdmission? admission)
    {
        if (admission is null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "A job admission is required."));
        }

        Name(admission.JobId, "job id");
        var spec = admission.Spec ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "A job spec is required."));
        Name(spec.Kind, "kind");
        Name(spec.Peer, "peer");
        Name(spec.GrantId, "grant id");
        Name(spec.Dataset, "dataset");
        Names(spec.Columns, "columns");
        Name(spec.OutputMode, "output mode");
        Name(spec.PurposeCode, "purpose code");
        Name(spec.InputDataset, "input dataset");
        Name(spec.InputColumn, "input column");
        Name(spec.PsiSuite, "suite");
        Name(spec.ValueMin, "value range");
        Name(spec.ValueMax, "value range");
        if (spec.Parts.Count > MaxParts)
        {
            throw Refuse("parts");
        }

        foreach (var part in spec.Parts)
        {
            Name(part.Peer, "part peer");
            Name(part.GrantId, "part grant id");
            Name(part.Dataset, "part dataset");
            Names(part.Columns, "part columns");
        }

        if (spec.GroupDomain.Count > Crypto.Aggregate.HeAggregateParameters.MaxGroups || spec.GroupDomain.Any(g => g.Length > MaxGroupCode))
        {
            throw Refuse("group domain");
        }

        if (admission.RequesterReceipt is { } receipt)
        {
            Name(receipt.Node, "receipt node");
            Name(receipt.Subject, "receipt subject");
        }
    }

    /// <summary>Throws INVALID_ARGUMENT when <paramref name="value"/> is longer than <see cref="MaxName"/>.</summary>
    public static void Name(string value, string field)
    {
        if (value.Length > MaxName)
        {
            throw Refuse(field);
        }
    }

    /// <summary>Throws INVALID_ARGUMENT when <paramref name="values"/> are more than <see cref="MaxColumns"/> or one is too long.</summary>
    public static void Names(IReadOnlyCollection<string> values, string field)
    {
        if (values.Count > MaxColumns || values.Any(v => v.Length > MaxName))
        {
            throw Refuse(field);
        }
    }

    private static RpcException Refuse(string field) =>
        new(new Status(StatusCode.InvalidArgument, $"The {field} exceeds this node's limits ({MaxName} characters a name, {MaxColumns} columns, {MaxParts} parts)."));
}
