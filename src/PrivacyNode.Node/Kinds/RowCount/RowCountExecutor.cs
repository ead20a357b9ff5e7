using System.Globalization;
using Grpc.Core;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Jobs;
using PrivacyNode.Node.Peers;

namespace PrivacyNode.Node.Kinds.RowCount;

/// <summary>
/// <c>row-count</c>, the requester's side: presents the job to the provider, which decides it against the
/// grant and returns only the row count of the granted dataset (or refuses, with a reason and a receipt).
/// </summary>
public sealed class RowCountExecutor(PeerClient peers, PeerAuditKeys peerKeys) : IJobExecutor
{
    public string Kind => JobKind.RowCountName;

    public string? Validate(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.OutputMode == "count" ? null : "A row-count job has output mode 'count'.";
    }

    public async Task<JobOutcome> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var spec = run.Job.Spec;
        await run.ReportAsync(0.1, "asking the provider");
        RowCountResponse response;
        try
        {
            var request = new RowCountRequest
            {
                Admission = new JobAdmission { JobId = run.Job.Id, Spec = spec, RequesterSetSize = 0, RequesterReceipt = run.StartReceipt },
            };
            response = await peers.CallAsync(spec.Peer, (peer, options) => new PeerJobService.PeerJobServiceClient(peer).RowCountAsync(request, options), cancellationToken, TimeSpan.FromMinutes(30));
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw PeerRefusal.ToJobFailure(ex);
        }

        await run.ReportAsync(0.9, "checking the provider's receipt");
        await peerKeys.VerifyAsync(spec.Peer, response.ProviderReceipt, AuditFormat.JobSubject(run.Job.Id), cancellationToken);
        var result = new JobResult();
        result.Metrics.Add(new ResultMetric { Name = "row_count", Value = response.RowCount });
        return new JobOutcome(result, response.ProviderReceipt, new Dictionary<string, string>
        {
            ["kind"] = Kind,
            ["revealed"] = "row_count",
            ["row_count"] = response.RowCount.ToString(CultureInfo.InvariantCulture),
        });
    }
}
