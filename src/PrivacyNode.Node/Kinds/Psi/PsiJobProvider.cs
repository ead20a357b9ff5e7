using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto;
using PrivacyNode.Crypto.Bfv;
using PrivacyNode.Crypto.Psi;
using PrivacyNode.Node.Access;
using PrivacyNode.Node.Catalog;
using PrivacyNode.Node.Jobs;
using PrivacyNode.Node.Peers;
using static PrivacyNode.Node.Jobs.RequestStream;

namespace PrivacyNode.Node.Kinds.Psi;

/// <summary>
/// PeerJobService.Psi on the peer endpoint: the provider's side of psi, psi-count, psi-payload
/// (docs/protocols/psi.md) and psi-sum (docs/protocols/psi-sum.md). The job is decided against its grant first; then the provider evaluates the
/// requester's blinded keys and sends the tags (and sealed rows) of its own keys: for psi under the key of the
/// dataset's tag cache where its source allows one, for every other kind under a key fresh for the job, so that
/// what a kind reveals short of membership cannot be linked across jobs into membership.
/// </summary>
public sealed class PsiJobProvider(AccessStore access, PeerAuditKeys peerKeys, ProviderTagCache tagCache)
{
    /// <summary>The largest batch accepted or sent, in elements (128 KiB of ristretto255 elements).</summary>
    public const int MaxBatch = 4096;

    /// <summary>Tags per message from a tag cache (1 MiB).</summary>
    private const int CachedTagsPerMessage = 1 << 16;

    /// <summary>Tags computed at once (on every core) before they are sent: one message's worth, so that no buffer of a batch is a large object.</summary>
    private const int ComputeBatch = MaxBatch;

    /// <summary>Sealed payload bytes per message, roughly.</summary>
    private const int PayloadBytesPerMessage = 1 << 20;

    public async Task PsiAsync(IAsyncStreamReader<PsiRequest> requests, IAsyncStreamWriter<PsiResponse> responses, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var admission = await NextAsync(requests, m => m.MessageCase, PsiRequest.MessageOneofCase.Admission, cancellationToken) is { } first
            ? first.Admission
            : throw new RpcException(new Status(StatusCode.InvalidArgument, "The call ended before the admission."));
        var spec = admission.Spec ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "A job spec is required."));
        if (string.IsNullOrEmpty(admission.JobId) || admission.JobId.Length > 64)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "A job admission carries the job's id (at most 64 characters)."));
        }

        if (!PsiJobSpec.TryParse(spec, out var asked, out var invalid))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, invalid));
        }

        var (suite, isSum, withPayloads, range) = (asked.Suite, asked.IsSum, asked.WithPayloads, asked.Range);
        if (asked.Vole && admission.RequesterSetSize > VolePsi.MaxRequesterKeys)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"The {VolePsi.SuiteName} suite takes at most {VolePsi.MaxRequesterKeys} requester keys."));
        }

        var job = await ProvidedJob.AdmitAsync(context, admission, access, peerKeys, cancellationToken);
        if (asked.Vole)
        {
            await ProvideVoleAsync(requests, responses, job, asked, admission.RequesterSetSize, cancellationToken);
            return;
        }

        KeyedRows? own = null;
        CachedTags? cached = null;
        try
        {
            if (asked.Kind == JobKind.Psi && ProviderTagCache.Covers(job.Dataset.Source))
            {
                cached = await tagCache.GetAsync(job.Dataset, asked.KeyColumn, suite, cancellationToken);
            }
            else
            {
                own = await KeyedRows.ReadAsync(job.Dataset, asked.KeyColumn, withPayloads || isSum ? asked.ProviderColumns : [], cancellationToken);
            }
        }
        catch (DataSourceException ex)
        {
            throw await job.DatasetProblemAsync("dataset-unreadable", ex.Message, cancellationToken);
        }

        using var cachedSnapshot = cached;
        var setSize = cached?.SetSize ?? own!.Count;
        var values = isSum ? await SumValuesAsync(own!, range, job, cancellationToken) : null;
        using var sum = isSum ? new PsiSumProvider(Math.Max(1, setSize), range.Low, range.High) : null;
        var accepted = new PsiAccepted { ProviderSetSize = (ulong)setSize, MaxBatch = MaxBatch };
        if (sum is not null)
        {
            accepted.PsiSum = new PsiSumSetup
            {
                PublicKey = ByteString.CopyFrom(BfvSerializer.Serialize(sum.PublicKey)),
                Ones = ByteString.CopyFrom(BfvSerializer.Serialize(sum.EncryptOnes())),
                Planes = (uint)sum.Planes,
                LimbBits = (uint)sum.LimbBits,
            };
        }

        await responses.WriteAsync(new PsiResponse { Accepted = accepted }, cancellationToken);
        using var provider = cached?.CreateProvider() ?? new PsiProvider(suite);
        PsiSumAnswer? answer = null;
        try
        {
            await EvaluateAsync(requests, responses, provider, admission.RequesterSetSize, asked.Shuffled, cancellationToken);
            if (sum is not null)
            {
                answer = await SumExchangeAsync(requests, responses, provider, own!, values!, sum, job.Grant, cancellationToken);
            }
            else
            {
                await (cached is not null
                    ? SendCachedTagsAsync(responses, cached, cancellationToken)
                    : SendTagsAsync(responses, (keys, tags, payloadKeys) => provider.Tag([.. keys.Select(k => k.ToArray())], tags, payloadKeys), provider.Suite.Seal, own!, withPayloads, cancellationToken));
            }
        }
        catch (Exception ex) when (IsBreak(ex))
        {
            throw await BrokenOffAsync(job, asked, ex);
        }

        var details = cached?.Sizes("provider_") ?? own!.Sizes("provider_");
        details["requester_set_size"] = admission.RequesterSetSize.ToString(CultureInfo.InvariantCulture);
        details["revealed"] = withPayloads ? "oprf-tags,sealed-rows" : isSum ? "oprf-tags,encrypted-values,limb-sums" : "oprf-tags";
        if (answer is not null)
        {
            // The count this node decrypted to enforce the minimum result size: psi-sum's provider learns it.
            details["intersection_size"] = answer.Count.ToString(CultureInfo.InvariantCulture);
            details["value_planes"] = sum!.Planes.ToString(CultureInfo.InvariantCulture);
            var check = PolicyDecision.CheckResult(job.Grant, (long)answer.Count);
            if (!check.Allowed)
            {
                throw await job.DeniedAsync(check, details, cancellationToken);
            }

            await responses.WriteAsync(new PsiResponse { SumAnswer = answer }, cancellationToken);
        }

        details["suite"] = asked.SuiteName;
        details["oprf_key"] = cached is null ? "fresh" : $"cached:{cached.KeyId}";
        if (cached is not null)
        {
            details["tag_cache"] = cached.Built ? "built" : "hit";
        }

        var provided = await job.ProvidedAsync(details, cancellationToken);
        await responses.WriteAsync(new PsiResponse { Done = new PsiDone { ProviderReceipt = AuditFormat.ReceiptOf(provided) } }, cancellationToken);
    }

    /// <summary>
    /// rr22 (docs/protocols/psi-vole.md): the VOLE needs only the requester's set size, so this node's dataset is read while it runs;
    /// the tags follow, and the set size goes out with the done message.
    /// </summary>
    private static async Task ProvideVoleAsync(IAsyncStreamReader<PsiRequest> requests, IAsyncStreamWriter<PsiResponse> responses, ProvidedJob job, PsiJobSpec asked, long requesterSetSize, CancellationToken cancellationToken)
    {
        using var vole = new VolePsiProvider(requesterSetSize);
        var reading = ReadAsync();
        try
        {
            await responses.WriteAsync(new PsiResponse { Accepted = new PsiAccepted { MaxBatch = MaxBatch, BaseOt = ByteString.CopyFrom(vole.BaseOtMessage) } }, cancellationToken);
            await VoleAsync(requests, responses, vole, cancellationToken);
        }
        catch (Exception ex) when (IsBreak(ex))
        {
            await reading.ContinueWith(_ => { }, TaskScheduler.Default);
            throw await BrokenOffAsync(job, asked, ex);
        }

        var own = await reading;
        try
        {
            await SendTagsAsync(responses, (keys, tags, payloadKeys) => vole.Tag(keys, tags, payloadKeys, cancellationToken), VolePsiProvider.Seal, own, asked.WithPayloads, cancellationToken);
        }
        catch (Exception ex) when (IsBreak(ex))
        {
            throw await BrokenOffAsync(job, asked, ex);
        }

        var details = own.Sizes("provider_");
        details["requester_set_size"] = requesterSetSize.ToString(CultureInfo.InvariantCulture);
        details["revealed"] = asked.WithPayloads ? "oprf-tags,sealed-rows" : "oprf-tags";
        details["suite"] = asked.SuiteName;
        details["oprf_key"] = "fresh";
        var provided = await job.ProvidedAsync(details, cancellationToken);
        await responses.WriteAsync(new PsiResponse { Done = new PsiDone { ProviderReceipt = AuditFormat.ReceiptOf(provided), ProviderSetSize = (ulong)own.Count } }, cancellationToken);

        async Task<KeyedRows> ReadAsync()
        {
            try
            {
                return await KeyedRows.ReadAsync(job.Dataset, asked.KeyColumn, asked.WithPayloads ? asked.ProviderColumns : [], cancellationToken);
            }
            catch (DataSourceException ex)
            {
                throw await job.DatasetProblemAsync("dataset-unreadable", ex.Message, cancellationToken);
            }
        }
    }

    /// <summary>Whether <paramref name="ex"/> ends the exchange as broken off (audited as such) rather than as a fault.</summary>
    private static bool IsBreak(Exception ex) => ex is PsiProtocolException or RpcException or OperationCanceledException or IOException;

    /// <summary>Audits the exchange as broken off; a malformed message becomes INVALID_ARGUMENT.</summary>
    private static async Task<Exception> BrokenOffAsync(ProvidedJob job, PsiJobSpec asked, Exception ex)
    {
        var malformed = ex is PsiProtocolException ? new RpcException(new Status(StatusCode.InvalidArgument, ex.Message)) : null;
        await job.BrokenOffAsync(malformed ?? ex, new Dictionary<string, string> { ["suite"] = asked.SuiteName });
        return malformed ?? ex;
    }

    /// <summary>
    /// psi-sum's values, one per key in the order of <paramref name="own"/>'s entries. A key column with repeated keys,
    /// or a value that is not a decimal in the declared range, refuses the job (the row number is given, never the value).
    /// </summary>
    private static async Task<long[]> SumValuesAsync(KeyedRows own, ValueRange range, ProvidedJob job, CancellationToken cancellationToken)
    {
        var spec = job.Spec;
        string? problem = own.Duplicates > 0
            ? $"psi-sum sums one value per key, and column '{spec.Columns[0]}' repeats keys in {own.Duplicates} rows; register a view with one row per key (GROUP BY)."
            : null;
        var values = new long[own.Count];
        for (var i = 0; problem is null && i < values.Length; i++)
        {
            if (!range.TryRead(own.Extra(i)[0], out values[i]))
            {
                problem = $"Row {own.FirstRow(i)} of column '{spec.Columns[1]}' is not a decimal of at most {range.Scale} places in [{spec.ValueMin}, {spec.ValueMax}].";
            }
        }

        if (problem is null)
        {
            return values;
        }

        throw await job.DatasetProblemAsync("dataset-unusable", problem, cancellationToken);
    }

    /// <summary>
    /// psi-sum after the evaluations (docs/protocols/psi-sum.md): the tags in a random order, one block per message
    /// with its value ciphertexts; then the requester's one sum request, decrypted into the count and plane constants.
    /// </summary>
    private static async Task<PsiSumAnswer> SumExchangeAsync(IAsyncStreamReader<PsiRequest> requests, IAsyncStreamWriter<PsiResponse> responses, PsiProvider provider, KeyedRows own, long[] values, PsiSumProvider sum, Grant grant, CancellationToken cancellationToken)
    {
        var order = RandomOrder.Permutation(own.Count);
        for (var start = 0; start < order.Length; start += PsiSumParameters.BlockSize)
        {
            var block = order.AsSpan(start, Math.Min(PsiSumParameters.BlockSize, order.Length - start)).ToArray();
            var tags = PsiParallel.Map(block.Length, Oprf.TagSize, (from, count) =>
            {
                var chunk = new byte[count * Oprf.TagSize];
                provider.Tag([.. block.Skip(from).Take(count).Select(i => own.Keys[i].ToArray())], chunk, []);
                return chunk;
            }, cancellationToken);
            var message = new PsiTags { Tags = ByteString.CopyFrom(tags) };
            foreach (var ciphertext in sum.EncryptBlock([.. block.Select(i => values[i])]))
            {
                message.ValueCiphertexts.Add(ByteString.CopyFrom(BfvSerializer.Serialize(ciphertext)));
            }

            await responses.WriteAsync(new PsiResponse { Tags = message }, cancellationToken);
        }

        var request = (await NextAsync(requests, m => m.MessageCase, PsiRequest.MessageOneofCase.SumRequest, cancellationToken)
            ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "The call ended before the sum request."))).SumRequest;
        if (request.Ciphertexts.Count != sum.Planes + 1)
        {
            throw new PsiProtocolException($"A sum request holds {sum.Planes + 1} ciphertexts; got {request.Ciphertexts.Count}.");
        }

        Ciphertext[] ciphertexts;
        try
        {
            ciphertexts = [.. request.Ciphertexts.Select(c => BfvSerializer.DeserializeCiphertext(PsiSumParameters.Bfv, c.Span))];
        }
        catch (BfvFormatException ex)
        {
            throw new PsiProtocolException($"A sum request ciphertext is malformed: {ex.Message}", ex);
        }

        var decryption = sum.Answer(ciphertexts, grant.MinResultSize);
        var answer = new PsiSumAnswer { Count = (ulong)decryption.Count };
        answer.PlaneConstants.AddRange(decryption.PlaneConstants ?? []);
        return answer;
    }

    /// <summary>The cached tags as they lie in the file (sorted, so in an order that depends on the set alone), 1 MiB per message.</summary>
    private static async Task SendCachedTagsAsync(IAsyncStreamWriter<PsiResponse> responses, CachedTags cached, CancellationToken cancellationToken)
    {
        await foreach (var tags in cached.ReadAsync(CachedTagsPerMessage, cancellationToken))
        {
            await responses.WriteAsync(new PsiResponse { Tags = new PsiTags { Tags = ByteString.CopyFrom(tags.Span) } }, cancellationToken);
        }
    }

    /// <summary>Evaluates the blinded batches as they arrive (<see cref="PsiEvaluationSession"/> keeps the order and counts).</summary>
    private static async Task EvaluateAsync(IAsyncStreamReader<PsiRequest> requests, IAsyncStreamWriter<PsiResponse> responses, PsiProvider provider, long admitted, bool shuffle, CancellationToken cancellationToken)
    {
        var session = new PsiEvaluationSession(provider, admitted, MaxBatch, shuffle);
        while (true)
        {
            var message = await NextAsync(requests, m => m.MessageCase, (PsiRequest.MessageOneofCase?)null, cancellationToken)
                ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "The call ended before blinded_done."));
            if (message.MessageCase == PsiRequest.MessageOneofCase.BlindedDone)
            {
                foreach (var held in session.Finish(message.BlindedDone.Count))
                {
                    await responses.WriteAsync(new PsiResponse { Evaluated = new PsiElements { Elements = ByteString.CopyFrom(held.Span) } }, cancellationToken);
                }

                return;
            }

            if (message.MessageCase != PsiRequest.MessageOneofCase.Blinded)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"Expected blinded keys, got {message.MessageCase}."));
            }

            if (session.Evaluate(message.Blinded.Elements.Memory, cancellationToken) is { } evaluated)
            {
                await responses.WriteAsync(new PsiResponse { Evaluated = new PsiElements { Elements = ByteString.CopyFrom(evaluated) } }, cancellationToken);
            }
        }
    }

    /// <summary>
    /// rr22 (docs/protocols/psi-vole.md): the requester's start, then per VOLE chunk this node's message out and the requester's
    /// masked OKVS back.
    /// </summary>
    private static async Task VoleAsync(IAsyncStreamReader<PsiRequest> requests, IAsyncStreamWriter<PsiResponse> responses, VolePsiProvider vole, CancellationToken cancellationToken)
    {
        vole.Start(await VoleParts.ReceiveAsync(VolePsi.StartSize(vole.Parameters), "VOLE start", () => NextPartAsync(PsiRequest.MessageOneofCase.VoleStart)));
        foreach (var chunk in vole.Parameters.Chunks)
        {
            await VoleParts.SendAsync(vole.NextChunk(cancellationToken)!, part => responses.WriteAsync(new PsiResponse { VoleChunk = part }, cancellationToken));
            vole.AcceptMasked(await VoleParts.ReceiveAsync(chunk.Size * 16, "masked OKVS", () => NextPartAsync(PsiRequest.MessageOneofCase.VoleMasked)), cancellationToken);
        }

        async Task<PsiVoleData> NextPartAsync(PsiRequest.MessageOneofCase expected)
        {
            var message = await NextAsync(requests, m => m.MessageCase, expected, cancellationToken)
                ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"The call ended before the {expected}."));
            return expected == PsiRequest.MessageOneofCase.VoleStart ? message.VoleStart : message.VoleMasked;
        }
    }

    /// <summary>Computes the tags (and, when the last span is not empty, the payload keys) of a batch of keys.</summary>
    private delegate void Tagger(IReadOnlyList<ReadOnlyMemory<byte>> keys, Span<byte> tags, Span<byte> payloadKeys);

    /// <summary>Seals a row under a payload key, bound to its tag.</summary>
    private delegate byte[] Sealer(ReadOnlySpan<byte> payloadKey, ReadOnlySpan<byte> matchTag, ReadOnlySpan<byte> plaintext);

    /// <summary>The tags of the provider's own keys, in a random order; for psi-payload each with its sealed row, all rows padded to one length.</summary>
    private static async Task SendTagsAsync(IAsyncStreamWriter<PsiResponse> responses, Tagger tag, Sealer seal, KeyedRows own, bool withPayloads, CancellationToken cancellationToken)
    {
        var order = RandomOrder.Permutation(own.Count);
        var message = new PsiTags();
        var tags = new MemoryStream();
        var payloadBytes = 0;
        var padTo = withPayloads ? PaddedPayload.CommonLength(Enumerable.Range(0, own.Count).Select(i => RowOf(own, i))) : 0;
        for (var start = 0; start < own.Count; start += ComputeBatch)
        {
            var length = Math.Min(ComputeBatch, own.Count - start);
            var indexes = order.AsSpan(start, length).ToArray();
            var sealedRows = new byte[length][];
            var batchTags = PsiParallel.Map(length, Oprf.TagSize, (from, count) =>
            {
                var chunk = new byte[count * Oprf.TagSize];
                var keys = withPayloads ? new byte[count * Oprf.PayloadKeySize] : [];
                tag([.. indexes.Skip(from).Take(count).Select(i => own.Keys[i])], chunk, keys);
                for (var k = 0; withPayloads && k < count; k++)
                {
                    sealedRows[from + k] = seal(keys.AsSpan(k * Oprf.PayloadKeySize, Oprf.PayloadKeySize), chunk.AsSpan(k * Oprf.TagSize, Oprf.TagSize),
                        PaddedPayload.Pad(RowOf(own, indexes[from + k]), padTo));
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

    private static PsiPayloadRow RowOf(KeyedRows own, int index) => new() { Values = { own.Extra(index) } };
}
