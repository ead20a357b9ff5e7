using Grpc.Core;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Kinds;
using PrivacyNode.Node.Peers;
using PrivacyNode.Node.Security;

namespace PrivacyNode.Node.Services;

/// <summary>PeerJobService on the peer endpoint: hands each call to the provider side of its job kind, its streams ended by <paramref name="idle"/> of silence.</summary>
public sealed class PeerJobRpcService(JobKindRegistry kinds, TimeSpan idle, NodeMetrics metrics) : PeerJobService.PeerJobServiceBase
{
    public override Task<RowCountResponse> RowCount(RowCountRequest request, ServerCallContext context) => kinds.RowCount.RowCountAsync(request, context);

    public override Task Psi(IAsyncStreamReader<PsiRequest> requestStream, IServerStreamWriter<PsiResponse> responseStream, ServerCallContext context) =>
        kinds.Psi.PsiAsync(IdleStreams.Guard(requestStream, idle, metrics.Traffic(context.GetPeer().Name)), IdleStreams.Guard(responseStream, idle, metrics.Traffic(context.GetPeer().Name)), context);

    public override Task Aggregate(IAsyncStreamReader<AggregateRequest> requestStream, IServerStreamWriter<AggregateResponse> responseStream, ServerCallContext context) =>
        kinds.Aggregate.AggregateAsync(IdleStreams.Guard(requestStream, idle, metrics.Traffic(context.GetPeer().Name)), IdleStreams.Guard(responseStream, idle, metrics.Traffic(context.GetPeer().Name)), context);

    public override Task<ContributeResponse> Contribute(ContributeRequest request, ServerCallContext context) => kinds.Aggregate.ContributeAsync(request, context);

    public override Task ThresholdAggregate(IAsyncStreamReader<ThresholdAggregateRequest> requestStream, IServerStreamWriter<ThresholdAggregateResponse> responseStream, ServerCallContext context) =>
        kinds.ThresholdAggregate.ThresholdAggregateAsync(IdleStreams.Guard(requestStream, idle, metrics.Traffic(context.GetPeer().Name)), IdleStreams.Guard(responseStream, idle, metrics.Traffic(context.GetPeer().Name)), context);
}
