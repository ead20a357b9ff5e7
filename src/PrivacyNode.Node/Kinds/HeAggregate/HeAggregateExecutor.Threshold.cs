using Google.Protobuf;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Aggregate;
using PrivacyNode.Crypto.Bfv;
using PrivacyNode.Crypto.Multiparty;
using PrivacyNode.Crypto.Rlwe;
using PrivacyNode.Node.Jobs;
using ThresholdCall = PrivacyNode.Node.Jobs.PeerCall<PrivacyNode.Contracts.V1.ThresholdAggregateRequest, PrivacyNode.Contracts.V1.ThresholdAggregateResponse, PrivacyNode.Contracts.V1.ThresholdAggregateResponse.MessageOneofCase>;

namespace PrivacyNode.Node.Kinds.HeAggregate;

/// <summary>he-aggregate with a threshold key: no single party, this node included, can decrypt what one provider sent.</summary>
public sealed partial class HeAggregateExecutor
{
    /// <summary>
    /// One call per provider for the whole job, in four rounds: every provider makes a share of the collective key;
    /// every provider encrypts its totals under it; every provider switches the count total to the aggregator's count
    /// key, and the aggregator returns pads for the groups to suppress; every provider switches the padded totals to
    /// <paramref name="requesterKey"/>.
    /// </summary>
    private async Task<(HeAggregateResult Result, long Rows, AuditReceipt AggregatorReceipt)> RunThresholdAsync(JobRun run, HeAggregateSpec shape, PublicKey requesterKey, CancellationToken cancellationToken)
    {
        var calls = new List<ThresholdCall>();
        try
        {
            foreach (var part in shape.Parts)
            {
                calls.Add(new(part.Peer, await peers.StartDuplexAsync(part.Peer, (peer, options) => new PeerJobService.PeerJobServiceClient(peer).ThresholdAggregate(options), CallLimit, cancellationToken), m => m.MessageCase));
            }

            await run.ReportAsync(0.05, $"making the collective key with {calls.Count} providers");
            var seed = UniformSampler.NewSeed();
            var opened = await RoundAsync(calls, i => new() { Open = new ThresholdOpen { Admission = Admission(run, i), CommonSeed = ByteString.CopyFrom(seed) } },
                ThresholdAggregateResponse.MessageOneofCase.Opened, cancellationToken);
            var shares = opened.Select(o => BfvSerializer.DeserializePublicKey(HeAggregateParameters.Bfv, o.Opened.KeyShare.Span)).ToList();
            if (shares.Any(s => !s.Seed.Span.SequenceEqual(seed)))
            {
                throw new ArgumentException("A provider's key share was not made from the job's common seed.");
            }

            var collective = ThresholdKey.CombinePublicKey(shares);
            var countKey = BfvSerializer.DeserializePublicKey(HeAggregateParameters.Bfv, opened[0].Opened.CountKey.Span);

            await run.ReportAsync(0.1, $"{calls.Count} providers are summing their data under the collective key");
            var contributions = await RoundAsync(calls, _ => new() { CollectiveKey = Serialize(collective) }, ThresholdAggregateResponse.MessageOneofCase.Contribution, cancellationToken);
            var totals = HeAggregator.Sum([.. contributions.Select(c => c.Contribution).Select(c => c.SumPlanes.Count == shape.Planes
                ? HeAggregateContribution.From([.. c.SumPlanes.Select(ReadCiphertext)], ReadCiphertext(c.Counts))
                : throw new ArgumentException($"A contribution holds {c.SumPlanes.Count} value planes; this job has {shape.Planes}."))]);

            await run.ReportAsync(0.8, $"the aggregator '{calls[0].Peer}' is deciding which groups to suppress");
            var counts = await SwitchAsync(calls, [totals.Counts], countKey, cancellationToken);
            var suppress = new SuppressRequest { Counts = Serialize(counts[0]) };
            suppress.MinResultSizes.AddRange(opened.Skip(1).Select(o => o.Opened.MinResultSize));
            await calls[0].SendAsync(new() { Suppress = suppress }, cancellationToken);
            var pads = (await calls[0].ReceiveAsync(ThresholdAggregateResponse.MessageOneofCase.Pads, cancellationToken)).Pads;
            var suppressed = pads.Suppressed.Select(g => g < (uint)shape.Groups.Count ? (int)g : throw new ArgumentException($"Suppressed group {g} is outside the job's {shape.Groups.Count} groups.")).ToList();
            var padded = HeAggregator.Pad(totals, [.. pads.Pads.Select(ReadCiphertext)], suppressed);

            await run.ReportAsync(0.9, "switching the padded totals to this node's key");
            var switched = await SwitchAsync(calls, [.. padded.SumPlanes, padded.Counts], requesterKey, cancellationToken);
            foreach (var call in calls)
            {
                await call.CompleteAsync();
            }

            var done = await RoundAsync(calls, null, ThresholdAggregateResponse.MessageOneofCase.Done, cancellationToken);
            await peerKeys.VerifyAsync(calls[0].Peer, done[0].Done.ProviderReceipt, AuditFormat.JobSubject(run.Job.Id), cancellationToken);
            for (var i = 1; i < calls.Count; i++)
            {
                await RecordPartAsync(run, shape.Parts[i], done[i].Done.ProviderReceipt, contributions[i].Contribution.Rows, cancellationToken);
            }

            var rows = contributions.Sum(c => (long)c.Contribution.Rows);
            return (new HeAggregateResult(switched[..^1], switched[^1], suppressed), rows, done[0].Done.ProviderReceipt);
        }
        finally
        {
            calls.ForEach(c => c.Dispose());
        }
    }

    /// <summary>Every provider's shares of switching <paramref name="ciphertexts"/> to <paramref name="target"/>, combined.</summary>
    private static async Task<Ciphertext[]> SwitchAsync(
        List<ThresholdCall> calls,
        Ciphertext[] ciphertexts, PublicKey target, CancellationToken cancellationToken)
    {
        var request = new KeySwitchRequest { TargetKey = Serialize(target) };
        request.Ciphertexts.AddRange(ciphertexts.Select(Serialize));
        var answers = await RoundAsync(calls, _ => new() { KeySwitch = request }, ThresholdAggregateResponse.MessageOneofCase.KeySwitchShares, cancellationToken);
        if (answers.Any(a => a.KeySwitchShares.Shares.Count != ciphertexts.Length))
        {
            throw new ArgumentException($"A provider sent other than {ciphertexts.Length} key-switch shares.");
        }

        return [.. ciphertexts.Select((c, k) => ThresholdKey.CombineKeySwitch(c, [.. answers.Select(a => ReadCiphertext(a.KeySwitchShares.Shares[k]))]))];
    }

    /// <summary>
    /// Sends each provider its message (none when <paramref name="request"/> is null) and gathers one answer of case
    /// <paramref name="expected"/> from each, all at once: the first failure cancels the rest and fails the round.
    /// </summary>
    private static async Task<ThresholdAggregateResponse[]> RoundAsync(
        List<ThresholdCall> calls,
        Func<int, ThresholdAggregateRequest>? request, ThresholdAggregateResponse.MessageOneofCase expected, CancellationToken cancellationToken)
    {
        var answers = new ThresholdAggregateResponse[calls.Count];
        await Concurrently.RunAsync(calls.Select((call, i) => (Func<CancellationToken, Task>)(async token =>
        {
            if (request is not null)
            {
                await call.SendAsync(request(i), token);
            }

            answers[i] = await call.ReceiveAsync(expected, token);
        })), cancellationToken);
        return answers;
    }
}
