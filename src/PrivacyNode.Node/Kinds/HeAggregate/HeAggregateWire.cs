using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Aggregate;
using PrivacyNode.Crypto.Bfv;
using PrivacyNode.Node.Catalog;
using PrivacyNode.Node.Jobs;

namespace PrivacyNode.Node.Kinds.HeAggregate;

/// <summary>
/// What the providers' he-aggregate handlers share: the admission's shape check, reading keys and ciphertexts off the
/// wire (INVALID_ARGUMENT for anything malformed), reading the provider's own totals (an audited refusal for bad data),
/// and the sizes their audit records carry.
/// </summary>
internal static class HeAggregateWire
{
    /// <summary>The job's shape, if the admission is well formed, of the mode this call serves, and names a part it accepts.</summary>
    /// <exception cref="RpcException">INVALID_ARGUMENT, naming what is wrong.</exception>
    public static HeAggregateSpec Check(JobAdmission? admission, string requester, bool threshold, Func<int, bool> acceptsPart, string whichPart)
    {
        var spec = admission?.Spec ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "A job admission with its spec is required."));
        if (spec.Kind != HeAggregateSpec.Kind || string.IsNullOrEmpty(admission.JobId) || admission.JobId.Length > 64)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "This call takes an he-aggregate job with an id."));
        }

        if (!HeAggregateSpec.TryParse(spec, out var shape, out var error))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, error));
        }

        // A requester that named itself as a provider, the aggregator above all, would hold the keys that open or suppress the others' totals.
        if (shape.Parts.Any(p => p.Peer == requester))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "The requester cannot be a provider of its own job, nor its aggregator: it would open every contribution."));
        }

        if (shape.Threshold != threshold)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, threshold
                ? "ThresholdAggregate takes he-aggregate jobs with a threshold key; this one relays sealed contributions (Aggregate, Contribute)."
                : "Aggregate and Contribute take he-aggregate jobs that relay sealed contributions; this one has a threshold key (ThresholdAggregate)."));
        }

        return acceptsPart(shape.IndexOfReceived(spec))
            ? shape
            : throw new RpcException(new Status(StatusCode.InvalidArgument, $"The admission's grant, dataset and columns are not those of {whichPart}."));
    }

    public static PublicKey ReadKey(ByteString bytes, string what)
    {
        try
        {
            return BfvSerializer.DeserializePublicKey(HeAggregateParameters.Bfv, bytes.Span);
        }
        catch (BfvFormatException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"The {what} is not a BFV public key for he-aggregate: {ex.Message}"));
        }
    }

    /// <summary>A fresh-shaped he-aggregate ciphertext (size 2, every data prime), or INVALID_ARGUMENT naming <paramref name="what"/>.</summary>
    public static Ciphertext ReadCiphertext(ByteString bytes, string what)
    {
        Ciphertext ciphertext;
        try
        {
            ciphertext = BfvSerializer.DeserializeCiphertext(HeAggregateParameters.Bfv, bytes.Span);
        }
        catch (BfvFormatException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{what} is not a BFV ciphertext for he-aggregate: {ex.Message}"));
        }

        return HeAggregateParameters.IsJobCiphertext(ciphertext)
            ? ciphertext
            : throw new RpcException(new Status(StatusCode.InvalidArgument, $"{what} is not a fresh he-aggregate ciphertext (size 2, every data prime)."));
    }

    /// <summary>A contribution's planes and counts off the wire, with the number of planes the job has.</summary>
    public static HeAggregateContribution ReadContribution(IReadOnlyList<ByteString> planes, ByteString counts, int expectedPlanes, string what)
    {
        if (planes.Count != expectedPlanes)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{what} holds {planes.Count} value planes; this job has {expectedPlanes}."));
        }

        return HeAggregateContribution.From([.. planes.Select(p => ReadCiphertext(p, $"A value plane of {what}"))], ReadCiphertext(counts, $"The counts of {what}"));
    }

    public static ByteString Serialize(Ciphertext ciphertext) => ByteString.CopyFrom(BfvSerializer.Serialize(ciphertext));

    public static ByteString Serialize(PublicKey key) => ByteString.CopyFrom(BfvSerializer.Serialize(key));

    /// <summary>This provider's totals; a dataset that cannot serve the job refuses it, audited.</summary>
    public static async Task<GroupTotals> ReadTotalsAsync(ProvidedJob job, HeAggregateSpec shape, CancellationToken cancellationToken)
    {
        try
        {
            return await GroupTotals.ReadAsync(job.Dataset, shape, job.Spec.Columns, cancellationToken);
        }
        catch (DataSourceException ex)
        {
            throw await job.DatasetProblemAsync("dataset-unreadable", ex.Message, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            throw await job.DatasetProblemAsync("dataset-unusable", ex.Message, cancellationToken);
        }
    }

    /// <summary>The facts every provider record of the job carries.</summary>
    public static Dictionary<string, string> Sizes(HeAggregateSpec shape, GroupTotals totals, string role) => new()
    {
        ["kind"] = HeAggregateSpec.Kind,
        ["role"] = role,
        ["key"] = shape.Threshold ? "threshold" : "requester",
        ["provider_rows"] = totals.Rows.ToString(CultureInfo.InvariantCulture),
        ["groups"] = shape.Groups.Count.ToString(CultureInfo.InvariantCulture),
        ["value_planes"] = shape.Planes.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>What the aggregator adds to its record: the providers, the minimum it applied, and what it suppressed and learned.</summary>
    public static void AddAggregation(Dictionary<string, string> details, HeAggregateSpec shape, long minimum, int suppressed)
    {
        details["providers"] = shape.Parts.Count.ToString(CultureInfo.InvariantCulture);
        details["min_result_size"] = minimum.ToString(CultureInfo.InvariantCulture);
        details["suppressed_groups"] = suppressed.ToString(CultureInfo.InvariantCulture);
        details["learned"] = "group-row-counts";
    }
}
