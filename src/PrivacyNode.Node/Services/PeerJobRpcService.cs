using System.Globalization;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Access;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Catalog;
using PrivacyNode.Node.Jobs;
using PrivacyNode.Node.Security;
using PrivacyNode.Rpc;
using PrivacyNode.Rpc.Server;

namespace PrivacyNode.Node.Services;

/// <summary>PeerJobService on the peer endpoint: the provider's side of jobs. Every job is decided against its grant and audited.</summary>
public sealed class PeerJobRpcService(AccessStore access, AuditLog audit, PeerAuditKeys peerKeys)
{
    public void Map(RpcRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        router.MapUnary(PeerJobServiceDescriptor.RowCount, RowCountAsync);
    }

    private async Task<RowCountResponse> RowCountAsync(RowCountRequest request, ServerCallContext context)
    {
        var peer = context.GetPeer().Name;
        var admission = request.Admission ?? throw new RpcException(StatusCode.InvalidArgument, "A job admission is required.");
        var spec = admission.Spec ?? throw new RpcException(StatusCode.InvalidArgument, "A job spec is required.");
        if (spec.Kind != JobKinds.RowCount || string.IsNullOrEmpty(admission.JobId) || admission.JobId.Length > 64)
        {
            throw new RpcException(StatusCode.InvalidArgument, "RowCount takes a row-count job with an id.");
        }

        await peerKeys.VerifyAsync(peer, admission.RequesterReceipt, context.CancellationToken);
        var ask = new JobAsk(peer, spec.GrantId, spec.Kind, spec.Dataset, spec.Columns, spec.OutputMode, spec.PurposeCode, admission.RequesterSetSize);
        var (decision, grant, dataset, record) = await access.AdmitAsync(ask, admission.RequesterReceipt, admission.JobId, context.CancellationToken);
        if (!decision.Allowed)
        {
            throw PeerRefusal.ToException(decision, record);
        }

        long rows;
        try
        {
            rows = await DatasetProfile.CountRowsAsync(dataset!.Source, context.CancellationToken);
        }
        catch (DataSourceException ex)
        {
            var failed = await audit.AppendAsync(Actor.Peer(peer).Does("job.provide", "error") with
            {
                ReasonCode = "dataset-unreadable", Dataset = spec.Dataset, GrantId = spec.GrantId, JobId = admission.JobId, PurposeCode = spec.PurposeCode,
                Details = new Dictionary<string, string> { ["error"] = ex.Message },
            }, context.CancellationToken);
            throw PeerRefusal.ToException(Decision.Deny(DenyReason.DatasetUnavailable, "The provider cannot read the granted dataset now."), failed, StatusCode.FailedPrecondition);
        }

        var check = PolicyDecision.CheckResult(grant!, rows);
        var provided = await audit.AppendAsync(Actor.Peer(peer).Does("job.provide", check.Allowed ? "ok" : "deny") with
        {
            ReasonCode = check.Code, Dataset = spec.Dataset, GrantId = spec.GrantId, JobId = admission.JobId, PurposeCode = spec.PurposeCode,
            Details = check.Allowed
                ? new Dictionary<string, string> { ["revealed"] = "row_count", ["row_count"] = rows.ToString(CultureInfo.InvariantCulture) }
                : new Dictionary<string, string> { ["revealed"] = "nothing", ["suppressed"] = "row_count" },
        }, context.CancellationToken);
        if (!check.Allowed)
        {
            throw PeerRefusal.ToException(check, provided);
        }

        return new RowCountResponse { RowCount = rows, ProviderReceipt = AuditFormat.ReceiptOf(provided) };
    }
}
