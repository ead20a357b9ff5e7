using Grpc.Core;
using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Node.Services;

/// <summary>PeerJobService on the peer endpoint: hands each call to the provider side of its job kind.</summary>
public sealed class PeerJobRpcService(RowCountJobProvider rowCount, PsiJobProvider psi, AggregateJobProvider aggregate, ThresholdAggregateJobProvider thresholdAggregate)
    : PeerJobService.PeerJobServiceBase
{
    public override Task<RowCountResponse> RowCount(RowCountRequest request, ServerCallContext context) => rowCount.RowCountAsync(request, context);

    public override Task Psi(IAsyncStreamReader<PsiRequest> requestStream, IServerStreamWriter<PsiResponse> responseStream, ServerCallContext context) =>
        psi.PsiAsync(requestStream, responseStream, context);

    public override Task Aggregate(IAsyncStreamReader<AggregateRequest> requestStream, IServerStreamWriter<AggregateResponse> responseStream, ServerCallContext context) =>
        aggregate.AggregateAsync(requestStream, responseStream, context);

    public override Task<ContributeResponse> Contribute(ContributeRequest request, ServerCallContext context) => aggregate.ContributeAsync(request, context);

    public override Task ThresholdAggregate(IAsyncStreamReader<ThresholdAggregateRequest> requestStream, IServerStreamWriter<ThresholdAggregateResponse> responseStream, ServerCallContext context) =>
        thresholdAggregate.ThresholdAggregateAsync(requestStream, responseStream, context);
}
