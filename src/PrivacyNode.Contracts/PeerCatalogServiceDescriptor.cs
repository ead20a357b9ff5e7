using PrivacyNode.Contracts.V1;
using PrivacyNode.Rpc;

namespace PrivacyNode.Contracts;

/// <summary><c>privacynode.v1.PeerCatalogService</c>, on the peer endpoint.</summary>
public static class PeerCatalogServiceDescriptor
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = CatalogReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("PeerCatalogService");

    public static readonly Method<ListDatasetsRequest, ListDatasetsResponse> ListDatasets = ProtobufMethod.Create<ListDatasetsRequest, ListDatasetsResponse>(Service, "ListDatasets");

    public static readonly Method<GetDatasetRequest, GetDatasetResponse> GetDataset = ProtobufMethod.Create<GetDatasetRequest, GetDatasetResponse>(Service, "GetDataset");
}
