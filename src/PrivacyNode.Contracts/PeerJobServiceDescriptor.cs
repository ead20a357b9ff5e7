using PrivacyNode.Contracts.V1;
using PrivacyNode.Rpc;

namespace PrivacyNode.Contracts;

/// <summary><c>privacynode.v1.PeerJobService</c>, on the peer endpoint.</summary>
public static class PeerJobServiceDescriptor
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = JobReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("PeerJobService");

    public static readonly Method<RowCountRequest, RowCountResponse> RowCount = ProtobufMethod.Create<RowCountRequest, RowCountResponse>(Service, "RowCount");

    public static readonly Method<PsiRequest, PsiResponse> Psi = ProtobufMethod.Create<PsiRequest, PsiResponse>(Service, "Psi");

    public static readonly Method<AggregateRequest, AggregateResponse> Aggregate = ProtobufMethod.Create<AggregateRequest, AggregateResponse>(Service, "Aggregate");

    public static readonly Method<ContributeRequest, ContributeResponse> Contribute = ProtobufMethod.Create<ContributeRequest, ContributeResponse>(Service, "Contribute");

    public static readonly Method<ThresholdAggregateRequest, ThresholdAggregateResponse> ThresholdAggregate =
        ProtobufMethod.Create<ThresholdAggregateRequest, ThresholdAggregateResponse>(Service, "ThresholdAggregate");
}
