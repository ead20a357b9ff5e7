using PrivacyNode.Contracts.V1;
using PrivacyNode.Rpc;

namespace PrivacyNode.Contracts;

/// <summary><c>privacynode.v1.CatalogService</c>, on the local endpoint.</summary>
public static class CatalogServiceDescriptor
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = CatalogReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("CatalogService");

    public static readonly Method<AddDatasetRequest, AddDatasetResponse> AddDataset = ProtobufMethod.Create<AddDatasetRequest, AddDatasetResponse>(Service, "AddDataset");

    public static readonly Method<ListDatasetsRequest, ListDatasetsResponse> ListDatasets = ProtobufMethod.Create<ListDatasetsRequest, ListDatasetsResponse>(Service, "ListDatasets");

    public static readonly Method<GetDatasetRequest, GetDatasetResponse> GetDataset = ProtobufMethod.Create<GetDatasetRequest, GetDatasetResponse>(Service, "GetDataset");

    public static readonly Method<RemoveDatasetRequest, RemoveDatasetResponse> RemoveDataset = ProtobufMethod.Create<RemoveDatasetRequest, RemoveDatasetResponse>(Service, "RemoveDataset");
}
