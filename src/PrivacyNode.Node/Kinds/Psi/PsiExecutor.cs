using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Bfv;
using PrivacyNode.Crypto.Psi;
using PrivacyNode.Node.Access;
using PrivacyNode.Node.Catalog;
using PrivacyNode.Node.Jobs;
using PrivacyNode.Node.Peers;
using PsiCall = PrivacyNode.Node.Jobs.PeerCall<PrivacyNode.Contracts.V1.PsiRequest, PrivacyNode.Contracts.V1.PsiResponse, PrivacyNode.Contracts.V1.PsiResponse.MessageOneofCase>;

namespace PrivacyNode.Node.Kinds.Psi;

/// <summary>
/// The requester's side of psi, psi-count and psi-payload (docs/protocols/psi.md): reads its own key
/// column, blinds the distinct keys, has the provider evaluate them, unblinds them into tags and matches
/// them against the provider's tags. The grant's minimum result size is applied here, where the size is known.
/// </summary>
public sealed class PsiExecutor(JobKind kind, PeerClient peers, PeerAuditKeys peerKeys, DatasetStore datasets, AccessStore access) : IJobExecutor
{
    /// <summary>The longest a PSI call may run; the job's own deadline normally ends it first.</summary>
    private static readonly TimeSpan CallLimit = TimeSpan.FromHours(24);

    /// <summary>How long the provider may take to say which suites it runs.</summary>
    private static readonly TimeSpan InfoTimeout = TimeSpan.FromSeconds(30);

    public string Kind => kind.Name;

    public string? Validate(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.OutputMode != kind.OutputMode)
        {
            return $"A {Kind} job has output mode '{kind.OutputMode}'.";
        }

        if (!PsiJobSpec.TryParse(spec, out var parsed, out var error))
        {
            return error;
        }

        // A named suite is stored by its canonical name; an empty one is chosen when the job runs, from the size of this node's set.
        if (spec.PsiSuite.Length > 0)
        {
            spec.PsiSuite = parsed.SuiteName;
        }

        return string.IsNullOrEmpty(spec.InputDataset) || string.IsNullOrEmpty(spec.InputColumn)
            ? $"A {Kind} job needs this node's input dataset and key column (--input dataset:column)."
            : null;
    }

    public async Task<JobOutcome> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var spec = run.Job.Spec;
        var grant = await access.GetHeldGrantAsync(spec.GrantId, cancellationToken)
            ?? throw new JobFailedException("grant-not-found", $"This node no longer holds grant '{spec.GrantId}'.");
        await run.ReportAsync(0.02, "reading the input dataset");
        var input = await datasets.GetAsync(spec.InputDataset, cancellationToken)
            ?? throw new JobFailedException("input-dataset-not-found", $"No dataset '{spec.InputDataset}' is registered on this node.");
        KeyedRows own;
        try
        {
            own = await KeyedRows.ReadAsync(input, spec.InputColumn, [], cancellationToken);
        }
        catch (DataSourceException ex)
        {
            throw new JobFailedException("input-dataset-unreadable", ex.Message);
        }

        if (spec.PsiSuite.Length == 0)
        {
            spec.PsiSuite = PsiJobSpec.DefaultSuite(kind, own.Count, await ProviderSuitesAsync(spec.Peer, own.Count, cancellationToken), grant.PsiSuites);
        }

        if (!PsiJobSpec.TryParse(spec, out var job, out var invalid))
        {
            throw new JobFailedException("invalid-spec", invalid);
        }

        if (job.Vole && own.Count > VolePsi.MaxRequesterKeys)
        {
            throw new JobFailedException("input-too-large", $"The {VolePsi.SuiteName} suite takes at most {VolePsi.MaxRequesterKeys} requester keys; this input has {own.Count}. Run the job on another suite (--suite).");
        }

        using var call = new PsiCall(
            spec.Peer, await peers.StartDuplexAsync(spec.Peer, (peer, options) => new PeerJobService.PeerJobServiceClient(peer).Psi(options), CallLimit, cancellationToken), m => m.MessageCase);
        try
        {
            if (job.Vole)
            {
                return await ExchangeVoleAsync(run, call, job, own, grant, cancellationToken);
            }

            using var session = new PsiRequesterSession(job.Suite, [.. own.Keys.Select(k => k.ToArray())], job.WithPayloads);
            return await ExchangeAsync(run, call, session, job, own, grant, cancellationToken);
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw PeerRefusal.ToJobFailure(ex);
        }
        catch (Exception ex) when (ex is PsiProtocolException or BfvFormatException)
        {
            throw new JobFailedException("peer-protocol-error", $"The provider sent a malformed PSI message: {ex.Message}");
        }
    }

    /// <summary>The PSI suites the provider's node info lists, asked only when the set is large enough for the choice to matter.</summary>
    private async Task<IReadOnlyCollection<string>> ProviderSuitesAsync(string peer, int requesterKeys, CancellationToken cancellationToken)
    {
        if (requesterKeys < PsiJobSpec.VoleFromKeys)
        {
            return [];
        }

        try
        {
            var info = await peers.CallAsync(peer, (invoker, options) => new NodeService.NodeServiceClient(invoker).GetNodeInfoAsync(new GetNodeInfoRequest(), options), cancellationToken, InfoTimeout);
            return [.. info.Node.PsiSuites];
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw PeerRefusal.ToJobFailure(ex);
        }
    }

    private async Task<JobOutcome> ExchangeAsync(JobRun run, PsiCall call, PsiRequesterSession session, PsiJobSpec job, KeyedRows own, Grant grant, CancellationToken cancellationToken)
    {
        var spec = run.Job.Spec;
        await call.SendAsync(new PsiRequest
        {
            Admission = new JobAdmission { JobId = run.Job.Id, Spec = spec, RequesterSetSize = session.KeyCount, RequesterReceipt = run.StartReceipt },
        }, cancellationToken);
        await run.ReportAsync(0.03, "waiting for the provider to admit the job and prepare its set");
        var accepted = (await call.ReceiveAsync(PsiResponse.MessageOneofCase.Accepted, cancellationToken)).Accepted;
        var batch = (int)Math.Clamp(accepted.MaxBatch, 1, 1 << 16);

        // Blinded keys go out while evaluations come back: the provider answers each batch as it arrives,
        // so sending everything before reading would stall both sides once the transport's windows fill.
        await run.ReportAsync(0.05, "blinding and unblinding keys");
        await Concurrently.RunAsync(
            [
                token => SendBlindedAsync(call, session, batch, complete: !job.IsSum, token),
                token => ReceiveEvaluationsAsync(run, call, session, token),
            ], cancellationToken);

        if (job.IsSum)
        {
            return await SumAsync(run, call, own, session, job.Range, accepted, grant, cancellationToken);
        }

        return await MatchAsync(run, call, session.AcceptProviderTags, session.Finish, accepted.ProviderSetSize, own, grant, job, cancellationToken);
    }

    /// <summary>
    /// rr22 (docs/protocols/psi-vole.md): the keys are encoded while the provider admits the job and the VOLE starts (the first masked OKVS
    /// waits for it); the start, and per VOLE chunk the provider's message in and the masked OKVS out; then the provider's tags are matched.
    /// </summary>
    private async Task<JobOutcome> ExchangeVoleAsync(JobRun run, PsiCall call, PsiJobSpec job, KeyedRows own, Grant grant, CancellationToken cancellationToken)
    {
        var spec = run.Job.Spec;
        using var session = new VolePsiRequester(own.Keys, job.WithPayloads);
        var encoding = Task.Run(() => session.Encode(cancellationToken), cancellationToken);
        try
        {
            await call.SendAsync(new PsiRequest
            {
                Admission = new JobAdmission { JobId = run.Job.Id, Spec = spec, RequesterSetSize = own.Count, RequesterReceipt = run.StartReceipt },
            }, cancellationToken);
            await run.ReportAsync(0.03, "encoding the keys while the provider admits the job and the VOLE starts");
            var accepted = (await call.ReceiveAsync(PsiResponse.MessageOneofCase.Accepted, cancellationToken)).Accepted;
            await VoleParts.SendAsync(session.Start(accepted.BaseOt.Span), part => call.SendAsync(new PsiRequest { VoleStart = part }, cancellationToken));
            foreach (var chunk in session.Parameters.Chunks)
            {
                var message = await VoleParts.ReceiveAsync(chunk.MessageSize, "VOLE chunk", async () => (await call.ReceiveAsync(PsiResponse.MessageOneofCase.VoleChunk, cancellationToken)).VoleChunk);
                await EncodedAsync(encoding);
                await VoleParts.SendAsync(session.Mask(message, cancellationToken), part => call.SendAsync(new PsiRequest { VoleMasked = part }, cancellationToken));
                await run.ReportAsync(0.1 + (0.6 * (chunk.Index + 1) / session.Parameters.Chunks.Count), "running the VOLE");
            }

            await call.CompleteAsync();
            return await MatchAsync(run, call, session.AcceptProviderTags, session.Finish, null, own, grant, job, cancellationToken);
        }
        finally
        {
            // The session is disposed (after this block) only once the encoding no longer touches it, finished or not.
            await encoding.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>The requester's OKVS, once encoded; an encoding that failed (below 2^-40 for distinct keys) fails the job, to be run again.</summary>
    private static async Task EncodedAsync(Task encoding)
    {
        try
        {
            await encoding;
        }
        catch (ArgumentException ex)
        {
            throw new JobFailedException("okvs-encoding-failed", $"{ex.Message} Run the job again: it draws a new seed.");
        }
    }

    /// <summary>
    /// The provider's tags matched (and sealed rows opened) until its done; the grant's minimum result size applied; the result. The
    /// provider's set size is the one it announced on accepting, or (rr22, <paramref name="announced"/> null) with its done.
    /// </summary>
    private async Task<JobOutcome> MatchAsync(JobRun run, PsiCall call, TagsAcceptor accept, Func<ulong, IReadOnlyDictionary<int, byte[]>> finish, ulong? announced, KeyedRows own, Grant grant, PsiJobSpec job, CancellationToken cancellationToken)
    {
        var spec = run.Job.Spec;
        await run.ReportAsync(0.85, "matching the provider's tags");
        PsiDone done;
        while (true)
        {
            var message = await call.ReceiveAsync(null, cancellationToken);
            if (message.MessageCase == PsiResponse.MessageOneofCase.Done)
            {
                done = message.Done;
                break;
            }

            if (message.MessageCase != PsiResponse.MessageOneofCase.Tags)
            {
                throw new PsiProtocolException($"Expected tags, got {message.MessageCase}.");
            }

            accept(message.Tags.Tags.Span, [.. message.Tags.SealedPayloads.Select(row => row.Memory)]);
        }

        var providerSetSize = announced ?? done.ProviderSetSize;
        var found = finish(providerSetSize);
        var matches = new SortedList<int, string[]>(found.Count);
        foreach (var (index, row) in found)
        {
            matches.Add(index, job.WithPayloads ? [.. PaddedPayload.Unpad(row).Values] : []);
        }

        await peerKeys.VerifyAsync(spec.Peer, done.ProviderReceipt, AuditFormat.JobSubject(run.Job.Id), cancellationToken);
        var check = PolicyDecision.CheckResult(grant, matches.Count);
        if (!check.Allowed)
        {
            throw new JobFailedException(check.Code, check.Message, done.ProviderReceipt);
        }

        var result = Result(spec, own, matches.Count, providerSetSize);
        result.Metrics.Add(new ResultMetric { Name = "bytes_sent", Value = call.BytesSent });
        result.Metrics.Add(new ResultMetric { Name = "bytes_received", Value = call.BytesReceived });
        var details = AuditDetails(own, matches.Count, providerSetSize);
        details["suite"] = job.SuiteName;
        details["bytes_sent"] = call.BytesSent.ToString(CultureInfo.InvariantCulture);
        details["bytes_received"] = call.BytesReceived.ToString(CultureInfo.InvariantCulture);
        return new JobOutcome(result, done.ProviderReceipt, details, result.Columns.Count > 0 ? Rows(own, matches) : null);
    }

    /// <summary>Matches one message of the provider's tags (and opens the sealed rows of matches).</summary>
    private delegate void TagsAcceptor(ReadOnlySpan<byte> tags, IReadOnlyList<ReadOnlyMemory<byte>> sealedRows);

    /// <summary>
    /// psi-sum after the evaluations (docs/protocols/psi-sum.md): selects the matched entries of each block of the
    /// provider's value ciphertexts, sends the one masked and flooded sum request, and unmasks the answer.
    /// </summary>
    private async Task<JobOutcome> SumAsync(JobRun run, PsiCall call, KeyedRows own, PsiRequesterSession session, ValueRange range, PsiAccepted accepted, Grant grant, CancellationToken cancellationToken)
    {
        var spec = run.Job.Spec;
        var setup = accepted.PsiSum ?? throw new PsiProtocolException("A psi-sum acceptance carries the job's BFV setup.");
        var parameters = PsiSumParameters.Bfv;
        var setSize = (long)accepted.ProviderSetSize;
        var sum = new PsiSumRequester(BfvSerializer.DeserializePublicKey(parameters, setup.PublicKey.Span), setSize, range.Low, range.High);
        if (setup.Planes != sum.Planes || setup.LimbBits != sum.LimbBits)
        {
            throw new PsiProtocolException($"The provider lays the values out in {setup.Planes} planes of {setup.LimbBits} bits; this range and set size give {sum.Planes} of {sum.LimbBits}.");
        }

        await run.ReportAsync(0.85, "selecting the matched values under encryption");
        while (sum.Entries < setSize)
        {
            var tags = (await call.ReceiveAsync(PsiResponse.MessageOneofCase.Tags, cancellationToken)).Tags;
            if (tags.Tags.Length % Oprf.TagSize != 0)
            {
                throw new PsiProtocolException("A psi-sum tags message holds whole tags.");
            }

            var matched = new bool[tags.Tags.Length / Oprf.TagSize];
            for (var i = 0; i < matched.Length; i++)
            {
                matched[i] = session.TryMatch(tags.Tags.Span.Slice(i * Oprf.TagSize, Oprf.TagSize), out _);
            }

            sum.AddBlock(matched, [.. tags.ValueCiphertexts.Select(c => BfvSerializer.DeserializeCiphertext(parameters, c.Span))]);
        }

        var request = new PsiSumRequest();
        request.Ciphertexts.AddRange(sum.CreateRequest(BfvSerializer.DeserializeCiphertext(parameters, setup.Ones.Span))
            .Select(c => ByteString.CopyFrom(BfvSerializer.Serialize(c))));
        await call.SendAsync(new PsiRequest { SumRequest = request }, cancellationToken);
        await call.CompleteAsync();
        await run.ReportAsync(0.95, "waiting for the provider to decrypt the masked sum");
        var answer = (await call.ReceiveAsync(PsiResponse.MessageOneofCase.SumAnswer, cancellationToken)).SumAnswer;
        var total = sum.Sum((long)answer.Count, [.. answer.PlaneConstants]);
        var done = (await call.ReceiveAsync(PsiResponse.MessageOneofCase.Done, cancellationToken)).Done;
        await peerKeys.VerifyAsync(spec.Peer, done.ProviderReceipt, AuditFormat.JobSubject(run.Job.Id), cancellationToken);
        var check = PolicyDecision.CheckResult(grant, sum.Count);
        if (!check.Allowed)
        {
            throw new JobFailedException(check.Code, check.Message, done.ProviderReceipt);
        }

        var result = Result(spec, own, sum.Count, accepted.ProviderSetSize);
        result.Metrics.Add(new ResultMetric { Name = "bytes_sent", Value = call.BytesSent });
        result.Metrics.Add(new ResultMetric { Name = "bytes_received", Value = call.BytesReceived });
        result.Columns.Add("intersection_size");
        result.Columns.Add("sum");
        result.Rows.Add(new ResultRow { Values = { sum.Count.ToString(CultureInfo.InvariantCulture), range.Format(total) } });
        var details = AuditDetails(own, (int)sum.Count, accepted.ProviderSetSize);
        details["value_planes"] = sum.Planes.ToString(CultureInfo.InvariantCulture);
        details["bytes_sent"] = call.BytesSent.ToString(CultureInfo.InvariantCulture);
        details["bytes_received"] = call.BytesReceived.ToString(CultureInfo.InvariantCulture);
        return new JobOutcome(result, done.ProviderReceipt, details);
    }

    private static async Task SendBlindedAsync(PsiCall call, PsiRequesterSession session, int batch, bool complete, CancellationToken cancellationToken)
    {
        while (session.NextBlinded(batch, cancellationToken) is { } blinded)
        {
            await call.SendAsync(new PsiRequest { Blinded = new PsiElements { Elements = ByteString.CopyFrom(blinded) } }, cancellationToken);
        }

        await call.SendAsync(new PsiRequest { BlindedDone = new PsiBlindedDone { Count = (ulong)session.KeyCount } }, cancellationToken);
        if (complete)
        {
            await call.CompleteAsync();
        }
    }

    /// <summary>Unblinds every evaluation into a tag (in our order, or shuffled for psi-count), indexed by tag, and the payload keys.</summary>
    private static async Task ReceiveEvaluationsAsync(JobRun run, PsiCall call, PsiRequesterSession session, CancellationToken cancellationToken)
    {
        while (session.Evaluated < session.KeyCount)
        {
            var evaluated = (await call.ReceiveAsync(PsiResponse.MessageOneofCase.Evaluated, cancellationToken)).Evaluated.Elements;
            session.AcceptEvaluated(evaluated.Memory, cancellationToken);
            await run.ReportAsync(0.05 + (0.8 * session.Evaluated / Math.Max(1, session.KeyCount)), "blinding and unblinding keys");
        }
    }

    /// <summary>Metrics always; for psi and psi-payload the columns of <see cref="Rows"/>.</summary>
    private JobResult Result(JobSpec spec, KeyedRows own, long intersection, ulong providerSetSize)
    {
        var result = new JobResult();
        result.Metrics.Add(new ResultMetric { Name = "intersection_size", Value = intersection });
        result.Metrics.Add(new ResultMetric { Name = "requester_set_size", Value = own.Count });
        result.Metrics.Add(new ResultMetric { Name = "provider_set_size", Value = (long)providerSetSize });
        result.Metrics.Add(new ResultMetric { Name = "requester_rows", Value = own.Rows });
        result.Metrics.Add(new ResultMetric { Name = "requester_invalid_keys", Value = own.Invalid });
        result.Metrics.Add(new ResultMetric { Name = "requester_duplicate_keys", Value = own.Duplicates });
        if (kind == JobKind.PsiCount || kind == JobKind.PsiSum)
        {
            return result;
        }

        result.Columns.Add("row");
        result.Columns.Add(spec.InputColumn);
        if (kind == JobKind.PsiPayload)
        {
            result.Columns.AddRange(spec.Columns.Skip(1).Select(c => spec.Peer + "." + c));
        }

        return result;
    }

    /// <summary>For psi one row per matched input row (row number, key); for psi-payload also the provider's columns. Made as they are stored.</summary>
    private static IEnumerable<ResultRow> Rows(KeyedRows own, SortedList<int, string[]> matches)
    {
        foreach (var (index, payload) in matches)
        {
            var key = KeySpec.Display(own.Key(index));
            foreach (var rowNumber in own.RowsOf(index))
            {
                var row = new ResultRow();
                row.Values.Add(rowNumber.ToString(CultureInfo.InvariantCulture));
                row.Values.Add(key);
                row.Values.AddRange(payload);
                yield return row;
            }
        }
    }

    private Dictionary<string, string> AuditDetails(KeyedRows own, int intersection, ulong providerSetSize)
    {
        var details = own.Sizes("requester_");
        details["kind"] = Kind;
        details["provider_set_size"] = providerSetSize.ToString(CultureInfo.InvariantCulture);
        details["intersection_size"] = intersection.ToString(CultureInfo.InvariantCulture);
        details["revealed"] = kind.Name switch
        {
            JobKind.PsiCountName => "intersection_size",
            JobKind.PsiSumName => "intersection_size,sum",
            JobKind.PsiPayloadName => "matched_rows,granted_columns",
            _ => "matched_rows",
        };
        return details;
    }
}
