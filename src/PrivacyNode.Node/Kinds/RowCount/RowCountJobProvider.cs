using System.Globalization;
using Grpc.Core;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Access;
using PrivacyNode.Node.Catalog;
using PrivacyNode.Node.Jobs;
using PrivacyNode.Node.Peers;

namespace PrivacyNode.Node.Kinds.RowCount;

/// <summary>PeerJobService.RowCount: the provider's side of row-count. Every job is decided against its grant and audited.</summary>
public sealed class RowCountJobProvider(AccessStore access, PeerAuditKeys peerKeys)
{
    public async Task<RowCountResponse> RowCountAsync(RowCountRequest request, ServerCallContext context)
    {
        var admission = request.Admission ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "A job admission is required."));
        var spec = admission.Spec ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "A job spec is required."));
        if (spec.Kind != JobKind.RowCountName || string.IsNullOrEmpty(admission.JobId) || admission.JobId.Length > 64)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "RowCount takes a row-count job with an id."));
        }

        var job = await ProvidedJob.AdmitAsync(context, admission, access, peerKeys, context.CancellationToken);
        long rows;
        try
        {
            rows = await DatasetProfile.CountRowsAsync(job.Dataset.Source, context.CancellationToken);
        }
        catch (DataSourceException ex)
        {
            throw await job.DatasetProblemAsync("dataset-unreadable", ex.Message, context.CancellationToken);
        }

        var check = PolicyDecision.CheckResult(job.Grant, rows);
        var provided = await job.RecordAsync(job.Does("job.provide", check.Allowed ? "ok" : "deny") with
        {
            ReasonCode = check.Code,
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
