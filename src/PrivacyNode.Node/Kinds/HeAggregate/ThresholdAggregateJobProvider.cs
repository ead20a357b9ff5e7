using Grpc.Core;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Aggregate;
using PrivacyNode.Crypto.Bfv;
using PrivacyNode.Crypto.Multiparty;
using PrivacyNode.Crypto.Rlwe;
using PrivacyNode.Node.Access;
using PrivacyNode.Node.Jobs;
using PrivacyNode.Node.Peers;
using PrivacyNode.Node.Security;
using static PrivacyNode.Node.Jobs.RequestStream;
using static PrivacyNode.Node.Kinds.HeAggregate.HeAggregateWire;

namespace PrivacyNode.Node.Kinds.HeAggregate;

/// <summary>
/// PeerJobService.ThresholdAggregate on the peer endpoint: a provider's side of he-aggregate with a threshold key
/// (docs/protocols/he-aggregate.md). For the length of the call the provider holds a share of the job's collective key,
/// which it forgets at the end. It encrypts its per-group totals under the collective key and takes part in exactly two
/// key switches: the count total to the aggregator's count key, then the padded totals to the requester's key. The
/// first part's provider also decides which groups to suppress. Out-of-order or malformed messages are refused with
/// INVALID_ARGUMENT; everything after admission is audited.
/// </summary>
public sealed class ThresholdAggregateJobProvider(AccessStore access, PeerAuditKeys peerKeys)
{
    public async Task ThresholdAggregateAsync(IAsyncStreamReader<ThresholdAggregateRequest> requests, IAsyncStreamWriter<ThresholdAggregateResponse> responses, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var open = (await NextAsync(requests, m => m.MessageCase, ThresholdAggregateRequest.MessageOneofCase.Open, cancellationToken)
            ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "The call ended before the job was opened."))).Open;
        var shape = Check(open.Admission, context.GetPeer().Name, threshold: true, index => index >= 0, "one of the job's parts");
        if (open.CommonSeed.Length != UniformSampler.SeedSize)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"The common seed is {UniformSampler.SeedSize} bytes."));
        }

        var job = await ProvidedJob.AdmitAsync(context, open.Admission, access, peerKeys, cancellationToken);
        var isAggregator = shape.IndexOfReceived(job.Spec) == 0;
        using var party = new ThresholdParty(HeAggregateParameters.Bfv);
        using var aggregator = isAggregator ? new HeAggregator(shape.Groups.Count) : null;
        var session = new Session(requests, responses, shape, aggregator?.CountKey, cancellationToken);
        try
        {
            var opened = new ThresholdOpened { KeyShare = Serialize(party.CreatePublicKeyShare(open.CommonSeed.Span)), MinResultSize = job.Grant.MinResultSize };
            if (aggregator is not null)
            {
                opened.CountKey = Serialize(aggregator.CountKey);
            }

            await session.SendAsync(new ThresholdAggregateResponse { Opened = opened });
            GroupTotals? own = null;
            PublicKey? collective = null;
            await Concurrently.RunAsync(
                [
                    async token => own = await ReadTotalsAsync(job, shape, token),
                    async token => collective = await session.ReceiveCollectiveKeyAsync(open.CommonSeed.Memory, token),
                ], cancellationToken);

            var contribution = HeAggregateContribution.Create(collective!, null, shape.Parts.Count, shape.Range.Low, shape.Range.High, own!.Counts, own.OffsetSums);
            var sent = new ThresholdContribution { Counts = Serialize(contribution.Counts), Rows = (ulong)own.Rows };
            sent.SumPlanes.AddRange(contribution.SumPlanes.Select(Serialize));
            await session.SendAsync(new ThresholdAggregateResponse { Contribution = sent });

            // The count total, to the aggregator's count key.
            await session.SwitchAsync(party, expected: 1);
            var details = Sizes(shape, own, isAggregator ? "aggregator" : "contributor");
            if (aggregator is not null)
            {
                var (suppressed, minimum) = await session.SuppressAsync(aggregator, collective!, job.Grant.MinResultSize);
                AddAggregation(details, shape, minimum, suppressed);
            }

            // The padded totals, to the requester's key.
            await session.SwitchAsync(party, expected: shape.Planes + 1);
            if (await requests.MoveNext(cancellationToken))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"The job is over; got {requests.Current.MessageCase}."));
            }

            details["revealed"] = isAggregator ? "row_count,suppressed-groups,key-switch-shares" : "row_count,key-switch-shares";
            var provided = await job.ProvidedAsync(details, cancellationToken);
            await session.SendAsync(new ThresholdAggregateResponse { Done = new ThresholdDone { ProviderReceipt = AuditFormat.ReceiptOf(provided) } });
        }
        catch (Exception ex) when (ex is RpcException { Trailers.Count: 0 } or IOException || (ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // The exchange broke off (not: our own data failed, whose refusal carries its audited receipt in trailers).
            await job.BrokenOffAsync(ex);
            throw;
        }
    }

    /// <summary>One provider's view of the exchange: the messages in the order the protocol fixes, each checked.</summary>
    private sealed class Session(
        IAsyncStreamReader<ThresholdAggregateRequest> requests, IAsyncStreamWriter<ThresholdAggregateResponse> responses, HeAggregateSpec shape, PublicKey? ownCountKey, CancellationToken cancellationToken)
    {
        private byte[]? _firstTarget;

        public Task SendAsync(ThresholdAggregateResponse message) => responses.WriteAsync(message, cancellationToken);

        /// <summary>The collective key, which must be made from the job's common seed.</summary>
        public async Task<PublicKey> ReceiveCollectiveKeyAsync(ReadOnlyMemory<byte> commonSeed, CancellationToken token)
        {
            var seed = commonSeed.ToArray();
            var message = await Next(ThresholdAggregateRequest.MessageOneofCase.CollectiveKey, token);
            var key = ReadKey(message.CollectiveKey, "collective key");
            return key.Seed.Span.SequenceEqual(seed)
                ? key
                : throw new RpcException(new Status(StatusCode.InvalidArgument, "The collective key was not made from the job's common seed."));
        }

        /// <summary>
        /// This party's shares of one key switch of <paramref name="expected"/> ciphertexts. The second switch must go to
        /// another key than the first; at the aggregator, the first goes to its own count key.
        /// </summary>
        public async Task SwitchAsync(ThresholdParty party, int expected)
        {
            var request = (await Next(ThresholdAggregateRequest.MessageOneofCase.KeySwitch, cancellationToken)).KeySwitch;
            if (request.Ciphertexts.Count != expected)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"This key switch takes {expected} ciphertexts; got {request.Ciphertexts.Count}."));
            }

            var target = ReadKey(request.TargetKey, "key to switch to");
            var targetBytes = BfvSerializer.Serialize(target);
            if (_firstTarget is null && ownCountKey is not null && !targetBytes.AsSpan().SequenceEqual(BfvSerializer.Serialize(ownCountKey)))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "The count total is switched to this aggregator's count key, and to no other."));
            }

            if (_firstTarget is not null && targetBytes.AsSpan().SequenceEqual(_firstTarget))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "The second key switch goes to the requester's key, not again to the first key."));
            }

            _firstTarget ??= targetBytes;
            var flooding = ThresholdKey.FloodingBits(HeAggregateParameters.Bfv, shape.Parts.Count);
            var shares = new KeySwitchShares();
            shares.Shares.AddRange(request.Ciphertexts.Select((c, i) => Serialize(party.CreateKeySwitchShare(ReadCiphertext(c, $"Ciphertext {i + 1} to switch"), target, flooding))));
            await SendAsync(new ThresholdAggregateResponse { KeySwitchShares = shares });
        }

        /// <summary>The aggregator's step: the groups to suppress under the largest minimum result size, and their pads under the collective key.</summary>
        public async Task<(int Suppressed, long Minimum)> SuppressAsync(HeAggregator aggregator, PublicKey collective, long ownMinimum)
        {
            var request = (await Next(ThresholdAggregateRequest.MessageOneofCase.Suppress, cancellationToken)).Suppress;
            if (request.MinResultSizes.Count != shape.Parts.Count - 1)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"Suppression takes the other {shape.Parts.Count - 1} providers' minimum result sizes; got {request.MinResultSizes.Count}."));
            }

            var minimum = request.MinResultSizes.Append(ownMinimum).Max();
            var suppressed = aggregator.Suppress(ReadCiphertext(request.Counts, "The count total"), minimum, shape.OtherSlot);
            var pads = new SuppressionPads();
            pads.Pads.AddRange(HeAggregator.Pads(collective, suppressed, shape.Planes + 1).Select(Serialize));
            pads.Suppressed.AddRange(suppressed.Select(g => (uint)g));
            await SendAsync(new ThresholdAggregateResponse { Pads = pads });
            return (suppressed.Count, minimum);
        }

        private async Task<ThresholdAggregateRequest> Next(ThresholdAggregateRequest.MessageOneofCase expected, CancellationToken token) =>
            await NextAsync(requests, m => m.MessageCase, expected, token)
                ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"The call ended before {expected}."));
    }
}
