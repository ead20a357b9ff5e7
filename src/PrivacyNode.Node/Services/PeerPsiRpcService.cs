using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Psi;
using PrivacyNode.Node.Access;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Catalog;
using PrivacyNode.Node.Jobs;
using PrivacyNode.Node.Security;
using PrivacyNode.Rpc;
using PrivacyNode.Rpc.Server;

namespace PrivacyNode.Node.Services;

/// <summary>
/// PeerJobService.Psi on the peer endpoint: the provider's side of psi, psi-count and psi-payload
/// (docs/protocols/psi.md). The job is decided against its grant first; then the provider evaluates the
/// requester's blinded keys and sends the tags (and sealed rows) of its own keys: for psi and psi-count
/// under the key of the dataset's tag cache where its source allows one, otherwise under a fresh key.
/// </summary>
public sealed class PeerPsiRpcService(AccessStore access, AuditLog audit, PeerAuditKeys peerKeys, ProviderTagCache tagCache)
{
    /// <summary>The largest batch accepted or sent, in elements (128 KiB of ristretto255 elements).</summary>
    public const int MaxBatch = 4096;

    /// <summary>Tags per message from a tag cache (1 MiB).</summary>
    private const int CachedTagsPerMessage = 1 << 16;

    /// <summary>Sealed payload bytes per message, roughly.</summary>
    private const int PayloadBytesPerMessage = 1 << 20;

    public void Map(RpcRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        router.MapDuplexStreaming(PeerJobServiceDescriptor.Psi, PsiAsync);
    }

    private async Task PsiAsync(IAsyncStreamReader<PsiRequest> requests, IAsyncStreamWriter<PsiResponse> responses, ServerCallContext context)
    {
        var peer = context.GetPeer().Name;
        var cancellationToken = context.CancellationToken;
        var admission = await NextAsync(requests, PsiRequest.MessageOneofCase.Admission, cancellationToken) is { } first
            ? first.Admission
            : throw new RpcException(StatusCode.InvalidArgument, "The call ended before the admission.");
        var spec = admission.Spec ?? throw new RpcException(StatusCode.InvalidArgument, "A job spec is required.");
        if (!PsiExecutor.Kinds.Contains(spec.Kind) || string.IsNullOrEmpty(admission.JobId) || admission.JobId.Length > 64 || spec.Columns.Count == 0)
        {
            throw new RpcException(StatusCode.InvalidArgument, "Psi takes a psi, psi-count or psi-payload job with an id and at least the key column.");
        }

        await peerKeys.VerifyAsync(peer, admission.RequesterReceipt, cancellationToken);
        var suite = PsiSuite.Find(spec.PsiSuite)
            ?? throw new RpcException(StatusCode.InvalidArgument, $"Unknown PSI suite '{spec.PsiSuite}'; this node runs {PsiSuite.Names}.");
        var ask = new JobAsk(peer, spec.GrantId, spec.Kind, spec.Dataset, spec.Columns, spec.OutputMode, spec.PurposeCode, admission.RequesterSetSize);
        var (decision, _, dataset, record) = await access.AdmitAsync(ask, admission.RequesterReceipt, admission.JobId, cancellationToken);
        if (!decision.Allowed)
        {
            throw PeerRefusal.ToException(decision, record);
        }

        var entry = Audited(spec, admission.JobId, peer);
        var withPayloads = spec.Kind == PsiExecutor.Payload;
        KeyedRows? own = null;
        CachedTags? cached = null;
        try
        {
            if (!withPayloads && ProviderTagCache.Covers(dataset!.Source))
            {
                cached = await tagCache.GetAsync(dataset, spec.Columns[0], suite, cancellationToken);
            }
            else
            {
                own = await KeyedRows.ReadAsync(dataset!, spec.Columns[0], withPayloads ? spec.Columns.Skip(1).ToList() : [], cancellationToken);
            }
        }
        catch (DataSourceException ex)
        {
            var failed = await audit.AppendAsync(entry.Does("job.provide", "error") with
            {
                ReasonCode = "dataset-unreadable", Details = new Dictionary<string, string> { ["error"] = ex.Message },
            }, cancellationToken);
            throw PeerRefusal.ToException(Decision.Deny(DenyReason.DatasetUnavailable, $"The provider cannot use the granted dataset now: {ex.Message}"), failed, StatusCode.FailedPrecondition);
        }

        var setSize = cached?.SetSize ?? own!.Entries.Count;
        await responses.WriteAsync(new PsiResponse { Accepted = new PsiAccepted { ProviderSetSize = (ulong)setSize, MaxBatch = MaxBatch } }, cancellationToken);
        using var provider = cached?.CreateProvider() ?? new PsiProvider(suite);
        try
        {
            await EvaluateAsync(requests, responses, provider, admission.RequesterSetSize, spec.Kind == PsiExecutor.Count, cancellationToken);
            await (cached is not null
                ? SendCachedTagsAsync(responses, cached, cancellationToken)
                : SendTagsAsync(responses, provider, own!, withPayloads, cancellationToken));
        }
        catch (Exception ex) when (ex is PsiProtocolException or RpcException or OperationCanceledException or IOException)
        {
            // The exchange broke off: record why before the call ends, even when the call itself was cancelled.
            var reason = ex switch
            {
                PsiProtocolException or RpcException { StatusCode: StatusCode.InvalidArgument } => "malformed-message",
                RpcException rpc => KebabCase.Of(rpc.StatusCode.ToString()),
                _ => "requester-gone",
            };
            await audit.AppendAsync(entry.Does("job.provide", "error") with
            {
                ReasonCode = reason, Details = new Dictionary<string, string> { ["error"] = ex.Message, ["suite"] = suite.Name },
            }, CancellationToken.None);
            if (ex is PsiProtocolException)
            {
                throw new RpcException(StatusCode.InvalidArgument, ex.Message);
            }

            throw;
        }

        var details = cached?.Sizes("provider_") ?? own!.Sizes("provider_");
        details["requester_set_size"] = admission.RequesterSetSize.ToString(CultureInfo.InvariantCulture);
        details["revealed"] = withPayloads ? "oprf-tags,sealed-rows" : "oprf-tags";
        details["suite"] = suite.Name;
        details["oprf_key"] = cached is null ? "fresh" : $"cached:{cached.KeyId}";
        if (cached is not null)
        {
            details["tag_cache"] = cached.Built ? "built" : "hit";
        }

        var provided = await audit.AppendAsync(entry.Does("job.provide") with { Details = details }, cancellationToken);
        await responses.WriteAsync(new PsiResponse { Done = new PsiDone { ProviderReceipt = AuditFormat.ReceiptOf(provided) } }, cancellationToken);
    }

    /// <summary>The cached tags as they lie in the file (sorted, so in an order that depends on the set alone), 1 MiB per message.</summary>
    private static async Task SendCachedTagsAsync(IAsyncStreamWriter<PsiResponse> responses, CachedTags cached, CancellationToken cancellationToken)
    {
        await foreach (var tags in cached.ReadAsync(CachedTagsPerMessage, cancellationToken))
        {
            await responses.WriteAsync(new PsiResponse { Tags = new PsiTags { Tags = ByteString.CopyFrom(tags.Span) } }, cancellationToken);
        }
    }

    /// <summary>
    /// Evaluates the blinded batches. In requester order they go straight back; for psi-count they are
    /// collected (32 bytes each) and shuffled, so the requester cannot tell which of its keys matched.
    /// </summary>
    private static async Task EvaluateAsync(IAsyncStreamReader<PsiRequest> requests, IAsyncStreamWriter<PsiResponse> responses, PsiProvider provider, long admitted, bool shuffle, CancellationToken cancellationToken)
    {
        var held = shuffle ? new MemoryStream() : null;
        long received = 0;
        while (true)
        {
            var message = await NextAsync(requests, null, cancellationToken)
                ?? throw new RpcException(StatusCode.InvalidArgument, "The call ended before blinded_done.");
            if (message.MessageCase == PsiRequest.MessageOneofCase.BlindedDone)
            {
                if ((long)message.BlindedDone.Count != received || received != admitted)
                {
                    throw new RpcException(StatusCode.InvalidArgument, $"{received} blinded keys arrived; the job was admitted for {admitted}.");
                }

                break;
            }

            if (message.MessageCase != PsiRequest.MessageOneofCase.Blinded)
            {
                throw new RpcException(StatusCode.InvalidArgument, $"Expected blinded keys, got {message.MessageCase}.");
            }

            var batch = message.Blinded.Elements.Memory;
            var size = provider.Suite.ElementSize;
            var count = batch.Length / size;
            if (batch.Length % size != 0 || count > MaxBatch || received + count > admitted)
            {
                throw new RpcException(StatusCode.InvalidArgument, $"A blinded batch holds whole elements, at most {MaxBatch}, and no more than the {admitted} admitted in all.");
            }

            received += count;
            var evaluated = PsiParallel.Map(count, size, (start, length) => provider.Evaluate(batch.Span.Slice(start * size, length * size)), cancellationToken);
            if (held is null)
            {
                await responses.WriteAsync(new PsiResponse { Evaluated = new PsiElements { Elements = ByteString.CopyFrom(evaluated) } }, cancellationToken);
            }
            else
            {
                held.Write(evaluated);
            }
        }

        if (held is not null)
        {
            var all = held.GetBuffer().AsMemory(0, (int)held.Length);
            var size = provider.Suite.ElementSize;
            PsiProvider.Shuffle(all.Span, size);
            for (var offset = 0; offset < all.Length; offset += MaxBatch * size)
            {
                var slice = all.Slice(offset, Math.Min(MaxBatch * size, all.Length - offset));
                await responses.WriteAsync(new PsiResponse { Evaluated = new PsiElements { Elements = ByteString.CopyFrom(slice.Span) } }, cancellationToken);
            }
        }
    }

    /// <summary>The tags of the provider's own keys, in a random order; for psi-payload each with its sealed row.</summary>
    private static async Task SendTagsAsync(IAsyncStreamWriter<PsiResponse> responses, PsiProvider provider, KeyedRows own, bool withPayloads, CancellationToken cancellationToken)
    {
        var order = Enumerable.Range(0, own.Entries.Count).Select(i => BitConverter.GetBytes(i)).SelectMany(b => b).ToArray();
        PsiProvider.Shuffle(order, sizeof(int));
        var message = new PsiTags();
        var tags = new MemoryStream();
        var payloadBytes = 0;
        for (var start = 0; start < own.Entries.Count; start += MaxBatch)
        {
            var length = Math.Min(MaxBatch, own.Entries.Count - start);
            var indexes = Enumerable.Range(start, length).Select(i => BitConverter.ToInt32(order, i * sizeof(int))).ToArray();
            var sealedRows = new byte[length][];
            var batchTags = PsiParallel.Map(length, Oprf.TagSize, (from, count) =>
            {
                var entries = Enumerable.Range(from, count).Select(k => own.Entries[indexes[k]]).ToList();
                var chunk = new byte[count * Oprf.TagSize];
                var keys = withPayloads ? new byte[count * Oprf.PayloadKeySize] : [];
                provider.Tag(entries.Select(e => System.Text.Encoding.UTF8.GetBytes(e.Key)).ToList(), chunk, keys);
                for (var k = 0; withPayloads && k < count; k++)
                {
                    var row = new PsiPayloadRow();
                    row.Values.AddRange(entries[k].Extra);
                    sealedRows[from + k] = provider.Suite.Seal(keys.AsSpan(k * Oprf.PayloadKeySize, Oprf.PayloadKeySize), chunk.AsSpan(k * Oprf.TagSize, Oprf.TagSize), row.ToByteArray());
                }

                CryptographicOperations.ZeroMemory(keys);
                return chunk;
            }, cancellationToken);

            for (var k = 0; k < length; k++)
            {
                tags.Write(batchTags, k * Oprf.TagSize, Oprf.TagSize);
                if (withPayloads)
                {
                    message.SealedPayloads.Add(ByteString.CopyFrom(sealedRows[k]));
                    payloadBytes += sealedRows[k].Length;
                }

                if (tags.Length == MaxBatch * Oprf.TagSize || payloadBytes >= PayloadBytesPerMessage)
                {
                    await FlushAsync();
                }
            }
        }

        if (tags.Length > 0)
        {
            await FlushAsync();
        }

        async Task FlushAsync()
        {
            message.Tags = ByteString.CopyFrom(tags.GetBuffer(), 0, (int)tags.Length);
            await responses.WriteAsync(new PsiResponse { Tags = message }, cancellationToken);
            message = new PsiTags();
            tags.SetLength(0);
            payloadBytes = 0;
        }
    }

    private static async Task<PsiRequest?> NextAsync(IAsyncStreamReader<PsiRequest> requests, PsiRequest.MessageOneofCase? expected, CancellationToken cancellationToken)
    {
        if (!await requests.MoveNextAsync(cancellationToken))
        {
            return null;
        }

        var message = requests.Current;
        return expected is null || message.MessageCase == expected
            ? message
            : throw new RpcException(StatusCode.InvalidArgument, $"Expected {expected}, got {message.MessageCase}.");
    }

    /// <summary>The audit fields every provider record of this job carries.</summary>
    private static AuditedJob Audited(JobSpec spec, string jobId, string peer) => new(Actor.Peer(peer), spec, jobId);

    private sealed record AuditedJob(Actor Actor, JobSpec Spec, string JobId)
    {
        public AuditEntry Does(string action, string outcome = "ok") => Actor.Does(action, outcome) with
        {
            Dataset = Spec.Dataset, GrantId = Spec.GrantId, JobId = JobId, PurposeCode = Spec.PurposeCode,
        };
    }
}
