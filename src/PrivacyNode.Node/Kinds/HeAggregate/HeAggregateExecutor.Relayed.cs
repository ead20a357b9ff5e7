using Google.Protobuf;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Aggregate;
using PrivacyNode.Crypto.Bfv;
using PrivacyNode.Node.Jobs;

namespace PrivacyNode.Node.Kinds.HeAggregate;

/// <summary>he-aggregate with relayed, sealed contributions: the aggregator adds them up under the requester's key.</summary>
public sealed partial class HeAggregateExecutor
{
    /// <summary>
    /// Opens the job at the aggregator, collects every other provider's sealed contribution at once, relays them with the
    /// sum of their counts under the aggregator's count key, and returns the aggregator's padded totals.
    /// </summary>
    private async Task<(HeAggregateResult Result, long Rows, AuditReceipt AggregatorReceipt)> RunRelayedAsync(JobRun run, HeAggregateSpec shape, PublicKey requesterKey, CancellationToken cancellationToken)
    {
        var aggregatorPeer = shape.Parts[0].Peer;
        var requesterKeyBytes = Serialize(requesterKey);
        using var aggregator = new PeerCall<AggregateRequest, AggregateResponse, AggregateResponse.MessageOneofCase>(
            aggregatorPeer, await peers.StartDuplexAsync(aggregatorPeer, (peer, options) => new PeerJobService.PeerJobServiceClient(peer).Aggregate(options), CallLimit, cancellationToken), m => m.MessageCase);
        await run.ReportAsync(0.05, $"opening the job at the aggregator '{aggregatorPeer}'");
        await aggregator.SendAsync(new AggregateRequest { Open = new AggregateOpen { Admission = Admission(run, 0), RequesterKey = requesterKeyBytes } }, cancellationToken);
        var opened = (await aggregator.ReceiveAsync(AggregateResponse.MessageOneofCase.Opened, cancellationToken)).Opened;

        // The aggregator reads its own data meanwhile; if it fails, its answer arrives early and stops the contributors.
        ContributeResponse[] contributions = [];
        AggregateTotals? totals = null;
        await Concurrently.RunAsync(
            [
                async token =>
                {
                    contributions = await ContributeAsync(run, shape, requesterKeyBytes, opened, token);
                    var countTotal = HeAggregateRequester.SumCounts([.. contributions.Select(c => ReadCiphertext(c.CountsForAggregator))]);
                    await run.ReportAsync(0.8, $"the aggregator '{aggregatorPeer}' is adding up the contributions");
                    foreach (var contribution in contributions)
                    {
                        await aggregator.SendAsync(new AggregateRequest { SealedContribution = contribution.SealedContribution }, token);
                    }

                    await aggregator.SendAsync(new AggregateRequest { CountTotal = Serialize(countTotal) }, token);
                    await aggregator.CompleteAsync();
                },
                async token => totals = (await aggregator.ReceiveAsync(AggregateResponse.MessageOneofCase.Totals, token)).Totals,
            ], cancellationToken);
        await peerKeys.VerifyAsync(aggregatorPeer, totals!.ProviderReceipt, AuditFormat.JobSubject(run.Job.Id), cancellationToken);

        var result = new HeAggregateResult(
            [.. totals.SumPlanes.Select(ReadCiphertext)],
            ReadCiphertext(totals.Counts),
            [.. totals.Suppressed.Select(g => g < (uint)shape.Groups.Count ? (int)g : throw new ArgumentException($"Suppressed group {g} is outside the job's {shape.Groups.Count} groups."))]);
        return (result, contributions.Sum(c => (long)c.Rows) + (long)totals.Rows, totals.ProviderReceipt);
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
            var request = new ContributeRequest { Admission = Admission(run, index), RequesterKey = requesterKey, CountKey = opened.CountKey, SealKey = opened.SealKey, AggregatorKeysSignature = opened.KeysSignature };
            var response = await peers.CallAsync(part.Peer, (peer, options) => new PeerJobService.PeerJobServiceClient(peer).ContributeAsync(request, options), token, CallLimit);
            await RecordPartAsync(run, part, response.ProviderReceipt, response.Rows, token);
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
}
