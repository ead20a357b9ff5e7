using System.Data.Common;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Catalog;
using PrivacyNode.Node.Storage;

namespace PrivacyNode.Node.Access;

/// <summary>
/// Access requests (filed here or received) and grants (given here or held from providers). Every change
/// and every policy decision is audited in the same transaction as the change.
/// </summary>
public sealed class AccessStore(NodeDatabase database, AuditLog audit, TimeProvider clock, PeerRefusalBudget? refusals = null, long requesterSetFloor = 0)
{
    private const string Outgoing = "outgoing";
    private const string Incoming = "incoming";

    /// <summary>Records a request this node filed, after the provider received it.</summary>
    public Task<AuditRecord> AddOutgoingAsync(AccessRequest request, Actor by, AuditReceipt providerReceipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(by);
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            await InsertRequestAsync(connection, transaction, Outgoing, request, cancellationToken);
            return await audit.AppendAsync(connection, transaction, by.Does("request.file") with
            {
                Peer = request.Peer, Dataset = request.Terms.Dataset, RequestId = request.Id, PurposeCode = request.Terms.PurposeCode,
                PeerReceipt = providerReceipt, Details = TermsDetails(request.Terms),
            }, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>How many requests from <paramref name="peer"/> wait for an answer here.</summary>
    public async Task<long> CountPendingIncomingAsync(string peer, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var count = await connection.ScalarAsync("SELECT COUNT(*) FROM access_requests WHERE direction = @d AND peer = @p AND state = @s", cancellationToken, null,
            ("@d", Incoming), ("@p", peer), ("@s", RequestState.Pending.ToString()));
        return Convert.ToInt64(count, CultureInfo.InvariantCulture);
    }

    /// <summary>Records a request received from <paramref name="request"/>'s peer; false if that peer already sent this id.</summary>
    public Task<AuditRecord?> AddIncomingAsync(AccessRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return database.InTransactionAsync<AuditRecord?>(async (connection, transaction) =>
        {
            if (await GetRequestAsync(connection, transaction, Incoming, request.Peer, request.Id, cancellationToken) is not null)
            {
                return null;
            }

            await InsertRequestAsync(connection, transaction, Incoming, request, cancellationToken);
            return await audit.AppendAsync(connection, transaction, Actor.Peer(request.Peer).Does("request.receive") with
            {
                Peer = request.Peer, Dataset = request.Terms.Dataset, RequestId = request.Id, PurposeCode = request.Terms.PurposeCode,
                Details = TermsDetails(request.Terms),
            }, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>Requests in <paramref name="direction"/> (null: both), newest first; outgoing ones only of <paramref name="filedBy"/> when set.</summary>
    public async Task<List<AccessRequest>> ListRequestsAsync(Direction? direction, string? filedBy, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync("SELECT direction, request, filed_by FROM access_requests", r => (Direction: r.GetString(0), Request: ReadRequest(r, 1), FiledBy: r.GetString(2)), cancellationToken);
        var now = clock.GetUtcNow();
        return rows
            .Where(r => direction is null || r.Direction == Text(direction.Value))
            .Where(r => filedBy is null || (r.Direction == Outgoing && r.FiledBy == filedBy))
            .Select(r => WithOverdue(r.Request, now))
            .OrderByDescending(r => r.FiledAt)
            .ToList();
    }

    /// <summary>Updates an outgoing request with its provider's answer; audits a change of state once.</summary>
    public Task UpdateOutgoingAsync(string peer, RequestStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            var request = await GetRequestAsync(connection, transaction, Outgoing, peer, status.Id, cancellationToken);
            if (request is null)
            {
                return false;
            }

            var changed = request.State != status.State;
            request.State = status.State;
            request.RespondBy = status.RespondBy;
            request.DecidedAt = status.DecidedAt;
            request.RefusalReason = status.RefusalReason;
            if (status.Grant is { } grant)
            {
                request.GrantId = grant.Id;
                await UpsertGrantAsync(connection, transaction, Outgoing, grant, cancellationToken);
            }

            await UpdateRequestAsync(connection, transaction, Outgoing, request, cancellationToken);
            if (changed && status.State != RequestState.Pending)
            {
                await audit.AppendAsync(connection, transaction, Actor.Peer(peer).Does(status.State == RequestState.Approved ? "request.approved" : "request.refused") with
                {
                    Dataset = request.Terms.Dataset, RequestId = request.Id, GrantId = request.GrantId, PurposeCode = request.Terms.PurposeCode,
                    ReasonCode = status.State == RequestState.Refused ? "refused" : string.Empty,
                    Details = status.State == RequestState.Refused ? new Dictionary<string, string> { ["reason"] = status.RefusalReason } : GrantDetails(status.Grant!),
                }, cancellationToken);
            }

            return true;
        }, cancellationToken);
    }

    /// <summary>Approves a pending incoming request, creating <paramref name="grant"/>; <paramref name="reason"/>, if any, is recorded.</summary>
    /// <exception cref="AccessException">The request is not pending, or its dataset cannot be granted.</exception>
    public Task<Grant> ApproveAsync(string peer, string requestId, Grant grant, string? reason, Actor by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentNullException.ThrowIfNull(by);
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            var request = await PendingIncomingAsync(connection, transaction, peer, requestId, cancellationToken);
            var dataset = await DatasetStore.GetAsync(connection, transaction, grant.Terms.Dataset, cancellationToken)
                ?? throw new AccessException(AccessError.NotFound, $"Dataset '{grant.Terms.Dataset}' is not in this catalog.");
            if (dataset.Dataset.Sharing == Sharing.NotShared)
            {
                throw new AccessException(AccessError.NotShared, $"Dataset '{grant.Terms.Dataset}' is marked not shared and cannot be granted.");
            }

            var missing = grant.Terms.Columns.Where(c => dataset.Dataset.Columns.All(d => d.Name != c) && dataset.Dataset.KeyColumns.All(k => k.Column != c)).ToList();
            if (missing.Count > 0)
            {
                throw new AccessException(AccessError.Invalid, $"Dataset '{grant.Terms.Dataset}' has no column(s) {string.Join(", ", missing)}.");
            }

            grant.GrantedAt = Timestamp.FromDateTimeOffset(clock.GetUtcNow());
            grant.GrantedBy = by.Name;
            grant.State = GrantState.Active;
            await UpsertGrantAsync(connection, transaction, Incoming, grant, cancellationToken);
            request.State = RequestState.Approved;
            request.DecidedAt = grant.GrantedAt;
            request.DecidedBy = by.Name;
            request.GrantId = grant.Id;
            await UpdateRequestAsync(connection, transaction, Incoming, request, cancellationToken);
            await audit.AppendAsync(connection, transaction, by.Does("request.approve") with
            {
                Peer = peer, Dataset = grant.Terms.Dataset, RequestId = requestId, GrantId = grant.Id, PurposeCode = grant.Terms.PurposeCode,
                Details = GrantDetails(grant, reason),
            }, cancellationToken);
            return grant;
        }, cancellationToken);
    }

    /// <summary>Refuses a pending incoming request.</summary>
    public Task<AccessRequest> RefuseAsync(string peer, string requestId, string reason, Actor by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            var request = await PendingIncomingAsync(connection, transaction, peer, requestId, cancellationToken);
            request.State = RequestState.Refused;
            request.DecidedAt = Timestamp.FromDateTimeOffset(clock.GetUtcNow());
            request.DecidedBy = by.Name;
            request.RefusalReason = reason;
            await UpdateRequestAsync(connection, transaction, Incoming, request, cancellationToken);
            await audit.AppendAsync(connection, transaction, by.Does("request.refuse") with
            {
                Peer = peer, Dataset = request.Terms.Dataset, RequestId = requestId, PurposeCode = request.Terms.PurposeCode, ReasonCode = "refused",
                Details = new Dictionary<string, string> { ["reason"] = reason },
            }, cancellationToken);
            return request;
        }, cancellationToken);
    }

    /// <summary>Incoming requests from <paramref name="peer"/> with these ids (unknown ids are left out).</summary>
    public async Task<List<(AccessRequest Request, Grant? Grant)>> GetIncomingAsync(string peer, IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var found = new List<(AccessRequest, Grant?)>();
        foreach (var id in ids.Distinct(StringComparer.Ordinal).Take(1000))
        {
            if (await GetRequestAsync(connection, null, Incoming, peer, id, cancellationToken) is { } request)
            {
                var grant = string.IsNullOrEmpty(request.GrantId) ? null : await GetGrantAsync(connection, null, Incoming, request.GrantId, cancellationToken);
                found.Add((WithOverdue(request, clock.GetUtcNow()), grant));
            }
        }

        return found;
    }

    /// <summary>Grants this node gave (<see cref="Direction.Incoming"/>) or holds (<see cref="Direction.Outgoing"/>); null for both.</summary>
    public async Task<List<Grant>> ListGrantsAsync(Direction? direction, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync("SELECT direction, grant_message, uses FROM grants", r => (Direction: r.GetString(0), Grant: ReadGrant(r, 1)), cancellationToken);
        return rows.Where(r => direction is null || r.Direction == Text(direction.Value)).Select(r => r.Grant).OrderByDescending(g => g.GrantedAt).ToList();
    }

    /// <summary>A grant held from a provider, as last known.</summary>
    public async Task<Grant?> GetHeldGrantAsync(string grantId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await GetGrantAsync(connection, null, Outgoing, grantId, cancellationToken);
    }

    /// <summary>Revokes a grant this node gave.</summary>
    public Task<Grant> RevokeAsync(string grantId, string reason, Actor by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            var grant = await GetGrantAsync(connection, transaction, Incoming, grantId, cancellationToken)
                ?? throw new AccessException(AccessError.NotFound, $"This node gave no grant '{grantId}'.");
            if (grant.State == GrantState.Revoked)
            {
                throw new AccessException(AccessError.Conflict, $"Grant '{grantId}' is already revoked.");
            }

            grant.State = GrantState.Revoked;
            grant.RevokedAt = Timestamp.FromDateTimeOffset(clock.GetUtcNow());
            grant.RevokeReason = reason;
            await UpsertGrantAsync(connection, transaction, Incoming, grant, cancellationToken);
            await audit.AppendAsync(connection, transaction, by.Does("grant.revoke") with
            {
                Peer = grant.Requester, Dataset = grant.Terms.Dataset, GrantId = grant.Id, RequestId = grant.RequestId, PurposeCode = grant.Terms.PurposeCode,
                Details = new Dictionary<string, string> { ["reason"] = reason },
            }, cancellationToken);
            return grant;
        }, cancellationToken);
    }

    /// <summary>
    /// A refusal of <paramref name="ask"/> that would not be recorded singly, because the peer's <see cref="PeerRefusalBudget"/> is
    /// spent: decided from a plain read, counted for the coalesced record, and null otherwise (the job may be admitted, or its
    /// refusal recorded; then <see cref="AdmitAsync"/> decides). So a peer that repeats refused calls costs neither a receipt
    /// check nor a write transaction for each.
    /// </summary>
    public async Task<Decision?> RefuseBeyondBudgetAsync(JobAsk ask, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ask);
        if (refusals is null || !refusals.IsSpent(ask.Peer))
        {
            return null;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var (decision, _, _) = await DecideAsync(connection, null, ask, cancellationToken);
        return !decision.Allowed && refusals.TryCountBeyond(ask.Peer) ? decision : null;
    }

    /// <summary>
    /// The provider's admission of a job: decides it against the grant and, if allowed, counts one use and keeps the job as in
    /// flight until <see cref="EndProvidedAsync"/>; the decision is audited either way, with the requester's receipt, except a
    /// refusal beyond the peer's <see cref="PeerRefusalBudget"/>, which is only counted (the record is then null).
    /// </summary>
    public Task<(Decision Decision, Grant? Grant, DatasetStore.Entry? Dataset, AuditRecord? Record)> AdmitAsync(JobAsk ask, AuditReceipt requesterReceipt, string jobId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ask);
        return database.InTransactionAsync(async (connection, transaction) =>
        {
            var (decision, grant, dataset) = await DecideAsync(connection, transaction, ask, cancellationToken);
            if (decision.Allowed)
            {
                // One atomic conditional increment: concurrent admissions that all read the last free use cannot all take it.
                var taken = await connection.ExecuteAsync("UPDATE grants SET uses = uses + 1 WHERE direction = @d AND id = @i AND uses < @m", cancellationToken, transaction,
                    ("@d", Incoming), ("@i", grant!.Id), ("@m", grant.MaxUses));
                grant.Uses = taken == 1 ? grant.Uses + 1 : grant.MaxUses;
                if (taken != 1)
                {
                    decision = Decision.Deny(DenyReason.UsesExhausted, $"Grant '{grant.Id}' allows {grant.MaxUses} uses; all are used.");
                }
            }

            if (!decision.Allowed && refusals?.TryTake(ask.Peer) == false)
            {
                return (decision, grant, dataset, (AuditRecord?)null);
            }

            var details = new Dictionary<string, string>
            {
                ["kind"] = ask.Kind,
                ["output_mode"] = ask.OutputMode,
                ["columns"] = string.Join(",", ask.Columns),
                ["requester_set_size"] = ask.RequesterSetSize.ToString(CultureInfo.InvariantCulture),
            };
            if (grant is not null && grant.Requester == ask.Peer)
            {
                details["uses"] = grant.Uses.ToString(CultureInfo.InvariantCulture);
                details["max_uses"] = grant.MaxUses.ToString(CultureInfo.InvariantCulture);
            }

            var record = await audit.AppendAsync(connection, transaction, Actor.Peer(ask.Peer).Does("policy.decision", decision.Allowed ? "allow" : "deny") with
            {
                ReasonCode = decision.Code, Dataset = ask.Dataset, GrantId = ask.GrantId, JobId = jobId, PurposeCode = ask.PurposeCode,
                PeerReceipt = requesterReceipt, Details = details,
            }, cancellationToken);
            if (decision.Allowed)
            {
                await connection.ExecuteAsync("INSERT INTO provided_jobs (decision_seq, job_id, peer, grant_id, dataset, purpose_code) VALUES (@s, @j, @p, @g, @d, @c)",
                    cancellationToken, transaction, ("@s", (long)record.Seq), ("@j", jobId), ("@p", ask.Peer), ("@g", ask.GrantId), ("@d", ask.Dataset), ("@c", ask.PurposeCode));
            }

            return (decision, grant, dataset, (AuditRecord?)record);
        }, cancellationToken);
    }

    /// <summary>
    /// Appends <paramref name="outcome"/>, the record that ends the provided job admitted by record <paramref name="decisionSeq"/>, and
    /// in the same transaction stops keeping the job as in flight.
    /// </summary>
    public Task<AuditRecord> EndProvidedAsync(ulong decisionSeq, AuditEntry outcome, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (connection, transaction) =>
        {
            var record = await audit.AppendAsync(connection, transaction, outcome, cancellationToken);
            await connection.ExecuteAsync("DELETE FROM provided_jobs WHERE decision_seq = @s", cancellationToken, transaction, ("@s", (long)decisionSeq));
            return record;
        }, cancellationToken);

    /// <summary>
    /// At start: ends each provided job a previous run admitted and never ended (the node stopped while serving it) with a
    /// <c>job.provide</c> error record, reason <c>node-restarted</c>. Its use stays counted, as the requester is told on failure.
    /// </summary>
    public async Task EndInterruptedAsync(CancellationToken cancellationToken)
    {
        List<(long Seq, string Job, string Peer, string Grant, string Dataset, string Purpose)> interrupted;
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        {
            interrupted = await connection.QueryAsync("SELECT decision_seq, job_id, peer, grant_id, dataset, purpose_code FROM provided_jobs ORDER BY decision_seq",
                r => (r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5)), cancellationToken);
        }

        foreach (var job in interrupted)
        {
            await EndProvidedAsync((ulong)job.Seq, Actor.System.Does("job.provide", "error") with
            {
                ReasonCode = "node-restarted", Peer = job.Peer, JobId = job.Job, GrantId = job.Grant, Dataset = job.Dataset, PurposeCode = job.Purpose,
                Details = new Dictionary<string, string> { ["decision_seq"] = job.Seq.ToString(CultureInfo.InvariantCulture) },
            }, cancellationToken);
        }
    }

    private async Task<(Decision Decision, Grant? Grant, DatasetStore.Entry? Dataset)> DecideAsync(DbConnection connection, DbTransaction? transaction, JobAsk ask, CancellationToken cancellationToken)
    {
        var grant = await GetGrantAsync(connection, transaction, Incoming, ask.GrantId, cancellationToken);
        var dataset = await DatasetStore.GetAsync(connection, transaction, ask.Dataset, cancellationToken);
        return (PolicyDecision.Decide(grant, dataset?.Dataset.Sharing, ask, grant?.Uses ?? 0, clock.GetUtcNow(), requesterSetFloor), grant, dataset);
    }

    private static string Text(Direction direction) => direction == Direction.Incoming ? Incoming : Outgoing;

    private static AccessRequest WithOverdue(AccessRequest request, DateTimeOffset now)
    {
        request.Overdue = request.State == RequestState.Pending && request.RespondBy is { } respondBy && now > respondBy.ToDateTimeOffset();
        return request;
    }

    private static Dictionary<string, string> TermsDetails(AccessTerms terms) => new()
    {
        ["columns"] = string.Join(",", terms.Columns),
        ["job_kinds"] = string.Join(",", terms.JobKinds),
        ["output_modes"] = string.Join(",", terms.OutputModes),
        ["valid_from"] = terms.ValidFrom?.ToDateTimeOffset().ToString("O", CultureInfo.InvariantCulture) ?? string.Empty,
        ["valid_to"] = terms.ValidTo?.ToDateTimeOffset().ToString("O", CultureInfo.InvariantCulture) ?? string.Empty,
    };

    private static Dictionary<string, string> GrantDetails(Grant grant, string? reason = null)
    {
        var details = TermsDetails(grant.Terms);
        if (!string.IsNullOrEmpty(reason))
        {
            details["reason"] = reason;
        }

        details["max_uses"] = grant.MaxUses.ToString(CultureInfo.InvariantCulture);
        details["min_requester_set_size"] = grant.MinRequesterSetSize.ToString(CultureInfo.InvariantCulture);
        details["min_result_size"] = grant.MinResultSize.ToString(CultureInfo.InvariantCulture);
        details["provider_responsible"] = grant.ProviderResponsible;
        details["requester_responsible"] = grant.RequesterResponsible;
        return details;
    }

    private static async Task<AccessRequest> PendingIncomingAsync(DbConnection connection, DbTransaction transaction, string peer, string requestId, CancellationToken cancellationToken)
    {
        var request = await GetRequestAsync(connection, transaction, Incoming, peer, requestId, cancellationToken)
            ?? throw new AccessException(AccessError.NotFound, $"No request '{requestId}' was received from '{peer}'.");
        return request.State == RequestState.Pending
            ? request
            : throw new AccessException(AccessError.Conflict, $"Request '{requestId}' from '{peer}' was already answered ({request.State}).");
    }

    private static Task<int> InsertRequestAsync(DbConnection connection, DbTransaction transaction, string direction, AccessRequest request, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(
            "INSERT INTO access_requests (direction, peer, id, request, state, filed_by, respond_by_ms) VALUES (@d, @p, @i, @r, @s, @f, @b)",
            cancellationToken, transaction,
            ("@d", direction), ("@p", request.Peer), ("@i", request.Id), ("@r", request.ToByteArray()), ("@s", request.State.ToString()),
            ("@f", request.FiledBy), ("@b", request.RespondBy?.ToDateTimeOffset().ToUnixTimeMilliseconds()));

    private static Task<int> UpdateRequestAsync(DbConnection connection, DbTransaction transaction, string direction, AccessRequest request, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(
            "UPDATE access_requests SET request = @r, state = @s, respond_by_ms = @b WHERE direction = @d AND peer = @p AND id = @i",
            cancellationToken, transaction,
            ("@d", direction), ("@p", request.Peer), ("@i", request.Id), ("@r", request.ToByteArray()), ("@s", request.State.ToString()),
            ("@b", request.RespondBy?.ToDateTimeOffset().ToUnixTimeMilliseconds()));

    private static Task<AccessRequest?> GetRequestAsync(DbConnection connection, DbTransaction? transaction, string direction, string peer, string id, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync("SELECT request FROM access_requests WHERE direction = @d AND peer = @p AND id = @i", r => ReadRequest(r, 0), cancellationToken, transaction,
            ("@d", direction), ("@p", peer), ("@i", id));

    private static async Task UpsertGrantAsync(DbConnection connection, DbTransaction transaction, string direction, Grant grant, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("DELETE FROM grants WHERE direction = @d AND id = @i", cancellationToken, transaction, ("@d", direction), ("@i", grant.Id));
        await connection.ExecuteAsync(
            "INSERT INTO grants (direction, id, peer, dataset, grant_message, state, uses) VALUES (@d, @i, @p, @s, @g, @t, @u)",
            cancellationToken, transaction,
            ("@d", direction), ("@i", grant.Id), ("@p", direction == Incoming ? grant.Requester : grant.Provider), ("@s", grant.Terms.Dataset),
            ("@g", grant.ToByteArray()), ("@t", grant.State == GrantState.Revoked ? "revoked" : "active"), ("@u", grant.Uses));
    }

    private static Task<Grant?> GetGrantAsync(DbConnection connection, DbTransaction? transaction, string direction, string id, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync("SELECT direction, grant_message, uses FROM grants WHERE direction = @d AND id = @i", r => ReadGrant(r, 1), cancellationToken, transaction,
            ("@d", direction), ("@i", id));

    private static AccessRequest ReadRequest(DbDataReader reader, int column) => AccessRequest.Parser.ParseFrom((byte[])reader.GetValue(column));

    private static Grant ReadGrant(DbDataReader reader, int column)
    {
        var grant = Grant.Parser.ParseFrom((byte[])reader.GetValue(column));
        grant.Uses = reader.GetInt64(column + 1);
        return grant;
    }
}
