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

    public override Task Psi(IAsyncStreamReader<PsiRequest> requestStream, IServerStreamWriter<PsiResponse> responseStream, ServerCallContext context)
    {
        var (requests, responses) = Guard(requestStream, responseStream, context);
        return kinds.Psi.PsiAsync(requests, responses, context);
    }

    public override Task Aggregate(IAsyncStreamReader<AggregateRequest> requestStream, IServerStreamWriter<AggregateResponse> responseStream, ServerCallContext context)
    {
        var (requests, responses) = Guard(requestStream, responseStream, context);
        return kinds.Aggregate.AggregateAsync(requests, responses, context);
    }

    public override Task<ContributeResponse> Contribute(ContributeRequest request, ServerCallContext context) => kinds.Aggregate.ContributeAsync(request, context);

    public override Task ThresholdAggregate(IAsyncStreamReader<ThresholdAggregateRequest> requestStream, IServerStreamWriter<ThresholdAggregateResponse> responseStream, ServerCallContext context)
    {
        var (requests, responses) = Guard(requestStream, responseStream, context);
        return kinds.ThresholdAggregate.ThresholdAggregateAsync(requests, responses, context);
    }

    private (IAsyncStreamReader<TRequest> Requests, IServerStreamWriter<TResponse> Responses) Guard<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requests, IServerStreamWriter<TResponse> responses, ServerCallContext context)
        where TRequest : Google.Protobuf.IMessage
        where TResponse : Google.Protobuf.IMessage => IdleStreams.Guard(requests, responses, idle, metrics.Traffic(context.GetPeer().Name));
}
