using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Aggregate;
using PrivacyNode.Crypto.Bfv;
using PrivacyNode.Node.Access;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Peers;
using PrivacyNode.Rpc;
using PrivacyNode.Rpc.Client;

namespace PrivacyNode.Node.Jobs;

/// <summary>
/// The requester's side of he-aggregate (docs/protocols/he-aggregate.md): it holds the job's key, opens the job at the
/// aggregator, collects every other provider's sealed contribution at once, relays them with the sum of their counts
/// under the aggregator's key, and decrypts the padded totals. Any provider that refuses or drops out fails the job;
/// no partial totals are kept. Each contribution is recorded in this node's log with the provider's receipt.
/// </summary>
public sealed class HeAggregateExecutor(PeerClient peers, PeerAuditKeys peerKeys, AuditLog audit) : IJobExecutor
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
        var spec = run.Job.Spec;
        if (!HeAggregateSpec.TryParse(spec, out var shape, out var error))
        {
            throw new JobFailedException("invalid-spec", error);
        }

        var aggregatorPeer = shape.Parts[0].Peer;
        await run.ReportAsync(0.02, "making the job's keys");
        using var requester = new HeAggregateRequester(shape.Groups.Count, shape.Parts.Count, shape.Range.Low, shape.Range.High);
        var requesterKey = ByteString.CopyFrom(BfvSerializer.Serialize(requester.PublicKey));
        try
        {
            using var call = await peers.StartDuplexAsync(aggregatorPeer, PeerJobServiceDescriptor.Aggregate, CallLimit, cancellationToken);
            var aggregator = new AggregatorCall(aggregatorPeer, call);
            await run.ReportAsync(0.05, $"opening the job at the aggregator '{aggregatorPeer}'");
            await aggregator.SendAsync(new AggregateRequest
            {
                Open = new AggregateOpen { Admission = Admission(run, 0), RequesterKey = requesterKey },
            }, cancellationToken);
            var opened = (await aggregator.ReceiveAsync(AggregateResponse.MessageOneofCase.Opened, cancellationToken)).Opened;

            // The aggregator reads its own data meanwhile; if it fails, its answer arrives early and stops the contributors.
            ContributeResponse[] contributions = [];
            AggregateTotals? totals = null;
            await Concurrently.RunAsync(
                [
                    async token =>
                    {
                        contributions = await ContributeAsync(run, shape, requesterKey, opened, token);
                        var countTotal = HeAggregateRequester.SumCounts([.. contributions.Select(c => BfvSerializer.DeserializeCiphertext(HeAggregateParameters.Bfv, c.CountsForAggregator.Span))]);
                        await run.ReportAsync(0.8, $"the aggregator '{aggregatorPeer}' is adding up the contributions");
                        foreach (var contribution in contributions)
                        {
                            await aggregator.SendAsync(new AggregateRequest { SealedContribution = contribution.SealedContribution }, token);
                        }

                        await aggregator.SendAsync(new AggregateRequest { CountTotal = ByteString.CopyFrom(BfvSerializer.Serialize(countTotal)) }, token);
                        await call.RequestStream.CompleteAsync();
                    },
                    async token => totals = (await aggregator.ReceiveAsync(AggregateResponse.MessageOneofCase.Totals, token)).Totals,
                ], cancellationToken);
            await peerKeys.VerifyAsync(aggregatorPeer, totals!.ProviderReceipt, cancellationToken);

            await run.ReportAsync(0.95, "decrypting the totals");
            var rows = contributions.Sum(c => (long)c.Rows) + (long)totals.Rows;
            var result = new HeAggregateResult(
                [.. totals.SumPlanes.Select(p => BfvSerializer.DeserializeCiphertext(HeAggregateParameters.Bfv, p.Span))],
                BfvSerializer.DeserializeCiphertext(HeAggregateParameters.Bfv, totals.Counts.Span),
                [.. totals.Suppressed.Select(g => g < (uint)shape.Groups.Count ? (int)g : throw new ArgumentException($"Suppressed group {g} is outside the job's {shape.Groups.Count} groups."))]);
            return Outcome(shape, requester.Decrypt(result, rows), rows, requester.Planes, totals.ProviderReceipt);
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

    /// <summary>Every contributor's sealed totals, asked for at once; the first failure cancels the others and fails the job.</summary>
    private async Task<ContributeResponse[]> ContributeAsync(JobRun run, HeAggregateSpec shape, ByteString requesterKey, AggregateOpened opened, CancellationToken cancellationToken)
    {
        var responses = new ContributeResponse[shape.Parts.Count - 1];
        var done = 0;
        using var reporting = new SemaphoreSlim(1);
        await run.ReportAsync(0.1, $"{responses.Length} providers are summing their data");
        await Concurrently.RunAsync(Enumerable.Range(1, responses.Length).Select(index => (Func<CancellationToken, Task>)(async token =>
        {
            var part = shape.Parts[index];
            var request = new ContributeRequest { Admission = Admission(run, index), RequesterKey = requesterKey, CountKey = opened.CountKey, SealKey = opened.SealKey };
            var response = await peers.CallAsync(part.Peer, PeerJobServiceDescriptor.Contribute, request, token, CallLimit);
            await peerKeys.VerifyAsync(part.Peer, response.ProviderReceipt, token);
            await audit.AppendAsync(Actor.System.Does("job.part") with
            {
                Peer = part.Peer, Dataset = part.Dataset, GrantId = part.GrantId, JobId = run.Job.Id, PurposeCode = run.Job.Spec.PurposeCode,
                PeerReceipt = response.ProviderReceipt,
                Details = new Dictionary<string, string>
                {
                    ["kind"] = Kind,
                    ["role"] = "contributor",
                    ["provider_rows"] = response.Rows.ToString(CultureInfo.InvariantCulture),
                    ["sealed_bytes"] = response.SealedContribution.Length.ToString(CultureInfo.InvariantCulture),
                },
            }, token);
            responses[index - 1] = response;
            await reporting.WaitAsync(token);
            try
            {
                done++;
                await run.ReportAsync(0.1 + (0.7 * done / responses.Length), $"{done} of {responses.Length} providers contributed");
            }
            finally
            {
                reporting.Release();
            }
        })), cancellationToken);
        return responses;
    }

    private static JobAdmission Admission(JobRun run, int part) => new()
    {
        JobId = run.Job.Id, Spec = HeAggregateSpec.ForPart(run.Job.Spec, part), RequesterSetSize = 0, RequesterReceipt = run.StartReceipt,
    };

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

        var suppressed = totals.Count(t => t is null);
        var metrics = new Dictionary<string, long>
        {
            ["providers"] = shape.Parts.Count,
            ["provider_rows"] = rows,
            ["groups"] = shape.Groups.Count,
            ["suppressed_groups"] = suppressed,
        };
        result.Metrics.AddRange(metrics.Select(m => new ResultMetric { Name = m.Key, Value = m.Value }));
        var details = metrics.ToDictionary(m => m.Key, m => m.Value.ToString(CultureInfo.InvariantCulture));
        details["kind"] = Kind;
        details["value_planes"] = planes.ToString(CultureInfo.InvariantCulture);
        details["revealed"] = "group_totals";
        return new JobOutcome(result, aggregatorReceipt, details);
    }

    /// <summary>The call to the aggregator; its failures name it.</summary>
    private sealed class AggregatorCall(string peer, AsyncDuplexStreamingCall<AggregateRequest, AggregateResponse> call)
    {
        public async Task SendAsync(AggregateRequest message, CancellationToken cancellationToken)
        {
            try
            {
                await call.RequestStream.WriteAsync(message, cancellationToken);
            }
            catch (RpcException ex)
            {
                throw Named(ex);
            }
        }

        public async Task<AggregateResponse> ReceiveAsync(AggregateResponse.MessageOneofCase expected, CancellationToken cancellationToken)
        {
            bool more;
            try
            {
                more = await call.ResponseStream.MoveNextAsync(cancellationToken);
            }
            catch (RpcException ex)
            {
                throw Named(ex);
            }

            return !more
                ? throw new JobFailedException("peer-protocol-error", $"The aggregator '{peer}' ended the call before sending {expected}.")
                : call.ResponseStream.Current.MessageCase == expected
                    ? call.ResponseStream.Current
                    : throw new JobFailedException("peer-protocol-error", $"The aggregator '{peer}' sent {call.ResponseStream.Current.MessageCase}, not {expected}.");
        }

        private RpcException Named(RpcException ex) => new(new Status(ex.StatusCode, $"Aggregator '{peer}': {ex.Status.Detail}"), ex.Trailers);
    }
}
