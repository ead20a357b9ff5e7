using Grpc.Core;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Access;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Catalog;
using PrivacyNode.Node.Peers;
using PrivacyNode.Node.Security;

namespace PrivacyNode.Node.Jobs;

/// <summary>
/// A job this node serves for a peer once its grant admitted it: the grant and dataset, the fields every provider
/// record of the job carries, and the audited ways the job ends. Every admitted job gets one outcome record: its handler writes
/// it, or <see cref="EndAbandonedAsync"/> when the call ends in an exception first, or the node's next start
/// (<c>node-restarted</c>) when the node stopped while serving it.
/// </summary>
internal sealed class ProvidedJob
{
    private static readonly object CallKey = new();
    private readonly AccessStore _access;
    private readonly ulong _decisionSeq;
    private bool _ended;

    private ProvidedJob(string peer, JobAdmission admission, Grant grant, DatasetStore.Entry dataset, AccessStore access, ulong decisionSeq)
    {
        (Peer, Admission, Grant, Dataset, _access, _decisionSeq) = (peer, admission, grant, dataset, access, decisionSeq);
    }

    /// <summary>The requester.</summary>
    public string Peer { get; }

    public JobAdmission Admission { get; }

    public JobSpec Spec => Admission.Spec;

    public Grant Grant { get; }

    public DatasetStore.Entry Dataset { get; }

    /// <summary>
    /// Checks the requester's receipt, then decides the admission against its grant (the decision is audited either way). A refusal
    /// beyond the peer's refusal budget, which no record would carry, is given without checking the receipt.
    /// </summary>
    /// <exception cref="RpcException">The receipt is invalid, or the grant refuses the job (PERMISSION_DENIED with the reason and receipt trailers).</exception>
    public static async Task<ProvidedJob> AdmitAsync(ServerCallContext context, JobAdmission admission, AccessStore access, PeerAuditKeys peerKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(admission);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(peerKeys);
        PeerInput.Check(admission);
        var peer = context.GetPeer().Name;
        var spec = admission.Spec;
        var ask = new JobAsk(peer, spec.GrantId, spec.Kind, spec.Dataset, spec.Columns, spec.OutputMode, spec.PurposeCode, admission.RequesterSetSize, spec.PsiSuite);
        if (await access.RefuseBeyondBudgetAsync(ask, cancellationToken) is { } refused)
        {
            throw PeerRefusal.ToException(refused, null);
        }

        await peerKeys.VerifyAsync(peer, admission.RequesterReceipt, AuditFormat.JobSubject(admission.JobId), cancellationToken);
        var (decision, grant, dataset, record) = await access.AdmitAsync(ask, admission.RequesterReceipt, admission.JobId, cancellationToken);
        if (!decision.Allowed)
        {
            throw PeerRefusal.ToException(decision, record);
        }

        CrashPoint.Pass("job-admitted");
        var job = new ProvidedJob(peer, admission, grant!, dataset!, access, record!.Seq);
        context.UserState[CallKey] = job;
        return job;
    }

    /// <summary>
    /// The peer endpoint's hook for a call that ended in <paramref name="ex"/>: a job the call admitted and did not end is audited as
    /// broken off (<see cref="BrokenOffAsync"/>).
    /// </summary>
    public static async ValueTask EndAbandonedAsync(ServerCallContext context, Exception ex)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.UserState.TryGetValue(CallKey, out var value) && value is ProvidedJob { _ended: false } job)
        {
            await job.BrokenOffAsync(ex);
        }
    }

    /// <summary>An audit entry about this job, by the requesting peer.</summary>
    public AuditEntry Does(string action, string outcome = "ok") => Actor.Peer(Peer).Does(action, outcome) with
    {
        Dataset = Spec.Dataset, GrantId = Spec.GrantId, JobId = Admission.JobId, PurposeCode = Spec.PurposeCode,
    };

    /// <summary>Writes this job's <c>job.provide</c> record; returns it.</summary>
    public Task<AuditRecord> ProvidedAsync(IReadOnlyDictionary<string, string> details, CancellationToken cancellationToken) =>
        RecordAsync(Does("job.provide") with { Details = details }, cancellationToken);

    /// <summary>Writes this job's final record, <paramref name="entry"/> (see <see cref="Does"/>); returns it.</summary>
    public async Task<AuditRecord> RecordAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        var record = await EndAsync(entry, cancellationToken);
        CrashPoint.Pass("job-provided");
        return record;
    }

    /// <summary>
    /// Audits that the granted dataset cannot serve the job (<paramref name="reasonCode"/>: dataset-unreadable or dataset-unusable,
    /// with <paramref name="detail"/> for this node's operator) and returns the refusal to throw: FAILED_PRECONDITION, dataset-unavailable,
    /// with the receipt and a fixed message per reason. Nothing the requester sees names a row, a value, a path or a database error,
    /// so one job tells it at most that some row does not fit.
    /// </summary>
    public async Task<RpcException> DatasetProblemAsync(string reasonCode, string detail, CancellationToken cancellationToken)
    {
        var failed = await EndAsync(Does("job.provide", "error") with
        {
            ReasonCode = reasonCode, Details = new Dictionary<string, string> { ["error"] = detail },
        }, cancellationToken);
        var message = reasonCode == "dataset-unusable"
            ? "The provider's data does not fit this job (declared value range or scale, or one value per key); the provider's operator finds the detail in its audit log."
            : "The provider cannot read the granted dataset now; the provider's operator finds the detail in its audit log.";
        return PeerRefusal.ToException(Decision.Deny(DenyReason.DatasetUnavailable, message), failed, StatusCode.FailedPrecondition);
    }

    /// <summary>Audits a refusal after the computation (a result below the grant's minimum); returns the refusal to throw.</summary>
    public async Task<RpcException> DeniedAsync(Decision decision, IReadOnlyDictionary<string, string> details, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var denied = await EndAsync(Does("job.provide", "denied") with { ReasonCode = decision.Code, Details = details }, cancellationToken);
        return PeerRefusal.ToException(decision, denied);
    }

    /// <summary>
    /// Audits that the exchange broke off (a malformed message, the requester gone, or a failure of this node), even when the call
    /// itself was cancelled. Malformed messages are INVALID_ARGUMENT on the wire.
    /// </summary>
    public Task BrokenOffAsync(Exception ex, IReadOnlyDictionary<string, string>? details = null)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var reason = ex switch
        {
            RpcException { StatusCode: StatusCode.InvalidArgument } => "malformed-message",
            RpcException rpc => KebabCase.Of(rpc.StatusCode.ToString()),
            OperationCanceledException or IOException => "requester-gone",
            _ => "internal",
        };
        var all = new Dictionary<string, string>(details ?? new Dictionary<string, string>()) { ["error"] = ex.Message };
        return EndAsync(Does("job.provide", "error") with { ReasonCode = reason, Details = all }, CancellationToken.None);
    }

    private async Task<AuditRecord> EndAsync(AuditEntry outcome, CancellationToken cancellationToken)
    {
        var record = await _access.EndProvidedAsync(_decisionSeq, outcome, cancellationToken);
        _ended = true;
        return record;
    }
}
