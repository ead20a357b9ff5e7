using System.Security.Cryptography;
using System.Text;
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
using PrivacyNode.Node.Security;
using static PrivacyNode.Node.Jobs.RequestStream;
using static PrivacyNode.Node.Kinds.HeAggregate.HeAggregateWire;

namespace PrivacyNode.Node.Kinds.HeAggregate;

/// <summary>
/// PeerJobService.Aggregate and Contribute on the peer endpoint: the providers' side of he-aggregate with relayed, sealed
/// contributions (docs/protocols/he-aggregate.md). Each provider decides the job against its own grant and reads its
/// dataset once. A contributor returns its per-group totals encrypted under the job's keys and sealed to the aggregator;
/// the aggregator opens the relayed contributions, adds its own, suppresses small groups and returns the padded totals.
/// Malformed keys, seals and ciphertexts are refused with INVALID_ARGUMENT; everything after admission is audited.
/// </summary>
public sealed class AggregateJobProvider(AccessStore access, AuditLog audit, PeerAuditKeys peerKeys)
{
    public async Task<ContributeResponse> ContributeAsync(ContributeRequest request, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var shape = Check(request.Admission, context.GetPeer().Name, threshold: false, index => index > 0, "one of the job's contributing parts");
        var requesterKey = ReadKey(request.RequesterKey, "requester key");
        var countKey = ReadKey(request.CountKey, "count key");
        if (!ContributionSeal.IsPublicKey(request.SealKey.Span))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "The aggregator's sealing key is not an uncompressed P-256 point."));
        }

        // The keys come relayed by the requester: only the aggregator's own signature shows they are not the requester's.
        var aggregatorPeer = shape.Parts[0].Peer;
        var statement = AggregatorKeysStatement(request.Admission.JobId, request.CountKey.Span, request.SealKey.Span);
        bool signed;
        try
        {
            signed = await peerKeys.VerifyStatementAsync(aggregatorPeer, statement, request.AggregatorKeysSignature.Memory, cancellationToken);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.FailedPrecondition or StatusCode.Unavailable)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"This provider contributes only to an aggregator it is paired with, so that it can check the aggregator's keys; pair with '{aggregatorPeer}' or use --threshold. ({ex.Status.Detail})"));
        }

        if (!signed)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"The count and sealing keys are not signed by the aggregator '{aggregatorPeer}' for this job."));
        }

        var job = await ProvidedJob.AdmitAsync(context, request.Admission, access, peerKeys, cancellationToken);
        GroupTotals totals;
        try
        {
            totals = await ReadTotalsAsync(job, shape, cancellationToken);
        }
        catch (OperationCanceledException ex)
        {
            await job.BrokenOffAsync(ex);
            throw;
        }

        var contribution = HeAggregateContribution.Create(requesterKey, countKey, shape.Parts.Count, shape.Range.Low, shape.Range.High, totals.Counts, totals.OffsetSums);
        var content = new SealedContribution
        {
            GrantId = job.Spec.GrantId,
            Counts = Serialize(contribution.Counts),
            MinResultSize = job.Grant.MinResultSize,
            KeysDigest = ByteString.CopyFrom(KeysDigest(request.RequesterKey.Span, request.CountKey.Span)),
            CountsForAggregator = Serialize(contribution.CountsForAggregatorKey!),
        };
        content.SumPlanes.AddRange(contribution.SumPlanes.Select(Serialize));
        var sealedContribution = ContributionSeal.Seal(request.SealKey.Span, AssociatedData(job.Admission.JobId), content.ToByteArray());

        var details = Sizes(shape, totals, "contributor");
        details["revealed"] = "row_count,encrypted-group-totals";
        var provided = await job.ProvidedAsync(details, cancellationToken);
        return new ContributeResponse
        {
            SealedContribution = ByteString.CopyFrom(sealedContribution),
            CountsForAggregator = Serialize(contribution.CountsForAggregatorKey!),
            Rows = (ulong)totals.Rows,
            ProviderReceipt = AuditFormat.ReceiptOf(provided),
        };
    }

    public async Task AggregateAsync(IAsyncStreamReader<AggregateRequest> requests, IAsyncStreamWriter<AggregateResponse> responses, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var open = (await NextAsync(requests, m => m.MessageCase, AggregateRequest.MessageOneofCase.Open, cancellationToken)
            ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "The call ended before the job was opened."))).Open;
        var shape = Check(open.Admission, context.GetPeer().Name, threshold: false, index => index == 0, "the job's first part, the aggregator");
        var requesterKey = ReadKey(open.RequesterKey, "requester key");
        var job = await ProvidedJob.AdmitAsync(context, open.Admission, access, peerKeys, cancellationToken);

        using var aggregator = new HeAggregator(shape.Groups.Count);
        using var sealing = ContributionSeal.CreateRecipient();
        var countKey = BfvSerializer.Serialize(aggregator.CountKey);
        var sealKey = ContributionSeal.PublicKeyOf(sealing);
        var relayed = new Relayed(shape, job.Admission.JobId, sealing, KeysDigest(open.RequesterKey.Span, countKey));
        await responses.WriteAsync(new AggregateResponse
        {
            Opened = new AggregateOpened
            {
                CountKey = ByteString.CopyFrom(countKey),
                SealKey = ByteString.CopyFrom(sealKey),
                KeysSignature = ByteString.CopyFrom(audit.SignStatement(AggregatorKeysStatement(job.Admission.JobId, countKey, sealKey))),
            },
        }, cancellationToken);
        GroupTotals? own = null;
        await Concurrently.RunAsync(
            [
                async token => own = await ReadTotalsAsync(job, shape, token),
                async token =>
                {
                    try
                    {
                        await relayed.ReceiveAsync(requests, token);
                    }
                    catch (Exception ex) when (ex is RpcException or IOException || (ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
                    {
                        // The exchange broke off (not: our own data failed, which cancelled this half and is audited already).
                        await job.BrokenOffAsync(ex);
                        throw;
                    }
                },
            ], cancellationToken);

        var mine = HeAggregateContribution.Create(requesterKey, aggregator.CountKey, shape.Parts.Count, shape.Range.Low, shape.Range.High, own!.Counts, own.OffsetSums);
        var minimum = relayed.MinResultSizes.Append(job.Grant.MinResultSize).Max();
        var result = aggregator.Combine(requesterKey, [mine, .. relayed.Contributions], HeAggregateRequester.SumCounts([relayed.CountTotal!, mine.CountsForAggregatorKey!]), minimum, shape.OtherSlot);

        var details = Sizes(shape, own, "aggregator");
        AddAggregation(details, shape, minimum, result.Suppressed.Count);
        details["revealed"] = "row_count,suppressed-groups,encrypted-group-totals";
        var provided = await job.ProvidedAsync(details, cancellationToken);
        var totals = new AggregateTotals { Counts = Serialize(result.Counts), Rows = (ulong)own.Rows, ProviderReceipt = AuditFormat.ReceiptOf(provided) };
        totals.SumPlanes.AddRange(result.SumPlanes.Select(Serialize));
        totals.Suppressed.AddRange(result.Suppressed.Select(g => (uint)g));
        await responses.WriteAsync(new AggregateResponse { Totals = totals }, cancellationToken);
    }

    /// <summary>SHA-256 of the requester key then the count key: what a contribution was encrypted under.</summary>
    private static byte[] KeysDigest(ReadOnlySpan<byte> requesterKey, ReadOnlySpan<byte> countKey)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(requesterKey);
        hash.AppendData(countKey);
        return hash.GetHashAndReset();
    }

    /// <summary>What the aggregator signs of its keys: a domain prefix, the job id, SHA-256 of the count key and the sealing key, each length-prefixed.</summary>
    private static byte[] AggregatorKeysStatement(string jobId, ReadOnlySpan<byte> countKey, ReadOnlySpan<byte> sealKey)
    {
        var statement = new List<byte>("privacynode-aggregator-keys-v1\n"u8.ToArray());
        foreach (var part in new[] { Encoding.UTF8.GetBytes(jobId), SHA256.HashData(countKey), sealKey.ToArray() })
        {
            statement.AddRange(BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(part.Length)));
            statement.AddRange(part);
        }

        return [.. statement];
    }

    /// <summary>A seal's associated data: the job it belongs to.</summary>
    private static byte[] AssociatedData(string jobId) => Encoding.UTF8.GetBytes("he-aggregate " + jobId);

    /// <summary>The contributions the requester relays to the aggregator, opened and checked, and their count total.</summary>
    private sealed class Relayed(HeAggregateSpec shape, string jobId, ECDiffieHellman sealing, byte[] keysDigest)
    {
        public List<HeAggregateContribution> Contributions { get; } = [];

        /// <summary>The minimum result size of each contributor's grant.</summary>
        public List<long> MinResultSizes { get; } = [];

        /// <summary>The contributors' counts under the count key, added up from their sealed copies (the requester's total must match).</summary>
        public Ciphertext? CountTotal { get; private set; }

        private readonly List<Ciphertext> _sealedCounts = [];

        /// <summary>One sealed contribution per contributing part, each grant once, then the count total.</summary>
        /// <exception cref="RpcException">INVALID_ARGUMENT: a message is missing, out of order, altered, for another job or keys, or malformed.</exception>
        public async Task ReceiveAsync(IAsyncStreamReader<AggregateRequest> requests, CancellationToken cancellationToken)
        {
            var expectedGrants = shape.Parts.Skip(1).Select(p => p.GrantId).ToHashSet(StringComparer.Ordinal);
            var associatedData = AssociatedData(jobId);
            for (var i = 1; i < shape.Parts.Count; i++)
            {
                var message = await NextAsync(requests, m => m.MessageCase, AggregateRequest.MessageOneofCase.SealedContribution, cancellationToken)
                    ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"The call ended after {i - 1} of {shape.Parts.Count - 1} contributions."));
                SealedContribution content;
                try
                {
                    content = SealedContribution.Parser.ParseFrom(ContributionSeal.Open(sealing, associatedData, message.SealedContribution.Span));
                }
                catch (Exception ex) when (ex is CryptographicException or InvalidProtocolBufferException)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"Contribution {i} does not open under this job's sealing key: it was altered, or sealed for another job."));
                }

                if (!CryptographicOperations.FixedTimeEquals(content.KeysDigest.Span, keysDigest))
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"Contribution {i} was encrypted under other keys than this job's."));
                }

                if (!expectedGrants.Remove(content.GrantId))
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"Contribution {i} is not from one of the job's contributing grants, or repeats one."));
                }

                Contributions.Add(ReadContribution(content.SumPlanes, content.Counts, shape.Planes, $"contribution {i}"));
                MinResultSizes.Add(content.MinResultSize);
                _sealedCounts.Add(ReadCiphertext(content.CountsForAggregator, $"The sealed counts of contribution {i}"));
            }

            var total = await NextAsync(requests, m => m.MessageCase, AggregateRequest.MessageOneofCase.CountTotal, cancellationToken)
                ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "The call ended before the count total."));
            CountTotal = HeAggregateRequester.SumCounts(_sealedCounts);
            if (!CryptographicOperations.FixedTimeEquals(Serialize(CountTotal).Span, total.CountTotal.Span))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "The count total is not the sum of the contributions' sealed counts."));
            }
        }
    }
}
