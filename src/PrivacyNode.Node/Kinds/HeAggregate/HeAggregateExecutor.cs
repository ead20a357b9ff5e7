using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Aggregate;
using PrivacyNode.Crypto.Bfv;
using PrivacyNode.Node.Access;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Jobs;
using PrivacyNode.Node.Peers;

namespace PrivacyNode.Node.Kinds.HeAggregate;

/// <summary>
/// The requester's side of he-aggregate (docs/protocols/he-aggregate.md). It holds the job's key and decrypts the padded
/// totals, which reach it either from the aggregator, which adds up contributions relayed to it sealed
/// (<c>HeAggregateExecutor.Relayed.cs</c>), or by key switching from every provider's share of a collective key
/// (<c>HeAggregateExecutor.Threshold.cs</c>). Any provider that refuses or drops out fails the job, and no partial totals
/// are kept. Each provider's part is recorded in this node's log with its receipt.
/// </summary>
public sealed partial class HeAggregateExecutor(PeerClient peers, PeerAuditKeys peerKeys, AuditLog audit) : IJobExecutor
{
    /// <summary>The longest a provider call may run; the job's own deadline normally ends it first.</summary>
    private static readonly TimeSpan CallLimit = TimeSpan.FromHours(24);

    public string Kind => HeAggregateSpec.Kind;

    public string? Validate(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.OutputMode != JobKinds.OutputModeOf[Kind])
        {
            return $"An he-aggregate job has output mode '{JobKinds.OutputModeOf[Kind]}'.";
        }

        return HeAggregateSpec.TryParse(spec, out _, out var error) ? null : error;
    }

    public async Task<JobOutcome> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!HeAggregateSpec.TryParse(run.Job.Spec, out var shape, out var error))
        {
            throw new JobFailedException("invalid-spec", error);
        }

        await run.ReportAsync(0.02, "making the job's keys");
        using var requester = new HeAggregateRequester(shape.Groups.Count, shape.Parts.Count, shape.Range.Low, shape.Range.High);
        try
        {
            var (result, rows, aggregatorReceipt) = shape.Threshold
                ? await RunThresholdAsync(run, shape, requester.PublicKey, cancellationToken)
                : await RunRelayedAsync(run, shape, requester.PublicKey, cancellationToken);
            await run.ReportAsync(0.95, "decrypting the totals");
            return Outcome(shape, requester.Decrypt(result, rows), rows, requester.Planes, aggregatorReceipt);
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw PeerRefusal.ToJobFailure(ex);
        }
        catch (Exception ex) when (ex is BfvFormatException or ArgumentException or CryptographicException)
        {
            throw new JobFailedException("peer-protocol-error", $"A provider sent malformed he-aggregate data: {ex.Message}");
        }
    }

    private static JobAdmission Admission(JobRun run, int part) => new()
    {
        JobId = run.Job.Id, Spec = HeAggregateSpec.ForPart(run.Job.Spec, part), RequesterSetSize = 0, RequesterReceipt = run.StartReceipt,
    };

    private static ByteString Serialize(PublicKey key) => ByteString.CopyFrom(BfvSerializer.Serialize(key));

    private static ByteString Serialize(Ciphertext ciphertext) => ByteString.CopyFrom(BfvSerializer.Serialize(ciphertext));

    private static Ciphertext ReadCiphertext(ByteString bytes) => BfvSerializer.DeserializeCiphertext(HeAggregateParameters.Bfv, bytes.Span);

    /// <summary>Checks a provider's receipt and records its part in this node's log, carrying the receipt.</summary>
    private async Task RecordPartAsync(JobRun run, JobPart part, AuditReceipt receipt, ulong rows, CancellationToken cancellationToken)
    {
        await peerKeys.VerifyAsync(part.Peer, receipt, AuditFormat.JobSubject(run.Job.Id), cancellationToken);
        await audit.AppendAsync(Actor.System.Does("job.part") with
        {
            Peer = part.Peer, Dataset = part.Dataset, GrantId = part.GrantId, JobId = run.Job.Id, PurposeCode = run.Job.Spec.PurposeCode,
            PeerReceipt = receipt,
            Details = new Dictionary<string, string>
            {
                ["kind"] = Kind,
                ["role"] = "contributor",
                ["provider_rows"] = rows.ToString(CultureInfo.InvariantCulture),
            },
        }, cancellationToken);
    }

    /// <summary>One row per group (code, ok or suppressed, rows, sum), with the job's sizes as metrics and audit details.</summary>
    private JobOutcome Outcome(HeAggregateSpec shape, IReadOnlyList<(long Count, Int128 Sum)?> totals, long rows, int planes, AuditReceipt aggregatorReceipt)
    {
        var result = new JobResult();
        result.Columns.AddRange(["group", "status", "rows", "sum"]);
        for (var g = 0; g < shape.Groups.Count; g++)
        {
            result.Rows.Add(totals[g] is { } total
                ? new ResultRow { Values = { shape.Groups[g], "ok", total.Count.ToString(CultureInfo.InvariantCulture), shape.Range.Format(total.Sum) } }
                : new ResultRow { Values = { shape.Groups[g], "suppressed", string.Empty, string.Empty } });
        }

        var metrics = new Dictionary<string, long>
        {
            ["providers"] = shape.Parts.Count,
            ["provider_rows"] = rows,
            ["groups"] = shape.Groups.Count,
            ["suppressed_groups"] = totals.Count(t => t is null),
        };
        result.Metrics.AddRange(metrics.Select(m => new ResultMetric { Name = m.Key, Value = m.Value }));
        var details = metrics.ToDictionary(m => m.Key, m => m.Value.ToString(CultureInfo.InvariantCulture));
        details["kind"] = Kind;
        details["key"] = shape.Threshold ? "threshold" : "requester";
        details["value_planes"] = planes.ToString(CultureInfo.InvariantCulture);
        details["revealed"] = "group_totals";
        return new JobOutcome(result, aggregatorReceipt, details);
    }
}
