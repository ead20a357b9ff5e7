using Grpc.Core;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Kinds;

namespace PrivacyNode.Node.Services;

/// <summary>PeerJobService on the peer endpoint: hands each call to the provider side of its job kind.</summary>
public sealed class PeerJobRpcService(JobKindRegistry kinds) : PeerJobService.PeerJobServiceBase
{
    public override Task<RowCountResponse> RowCount(RowCountRequest request, ServerCallContext context) => kinds.RowCount.RowCountAsync(request, context);

    public override Task Psi(IAsyncStreamReader<PsiRequest> requestStream, IServerStreamWriter<PsiResponse> responseStream, ServerCallContext context) =>
        kinds.Psi.PsiAsync(requestStream, responseStream, context);

    public override Task Aggregate(IAsyncStreamReader<AggregateRequest> requestStream, IServerStreamWriter<AggregateResponse> responseStream, ServerCallContext context) =>
        kinds.Aggregate.AggregateAsync(requestStream, responseStream, context);

    public override Task<ContributeResponse> Contribute(ContributeRequest request, ServerCallContext context) => kinds.Aggregate.ContributeAsync(request, context);

    public override Task ThresholdAggregate(IAsyncStreamReader<ThresholdAggregateRequest> requestStream, IServerStreamWriter<ThresholdAggregateResponse> responseStream, ServerCallContext context) =>
        kinds.ThresholdAggregate.ThresholdAggregateAsync(requestStream, responseStream, context);
}
