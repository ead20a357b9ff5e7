using PrivacyNode.Contracts.V1;
using PrivacyNode.Rpc;

namespace PrivacyNode.Contracts;

/// <summary><c>privacynode.v1.AccessService</c>, on the local endpoint.</summary>
public static class AccessServiceDescriptor
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = AccessReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("AccessService");

    public static readonly Method<FileRequestRequest, FileRequestResponse> FileRequest = ProtobufMethod.Create<FileRequestRequest, FileRequestResponse>(Service, "FileRequest");

    public static readonly Method<ListRequestsRequest, ListRequestsResponse> ListRequests = ProtobufMethod.Create<ListRequestsRequest, ListRequestsResponse>(Service, "ListRequests");

    public static readonly Method<ApproveRequestRequest, ApproveRequestResponse> ApproveRequest = ProtobufMethod.Create<ApproveRequestRequest, ApproveRequestResponse>(Service, "ApproveRequest");

    public static readonly Method<RefuseRequestRequest, RefuseRequestResponse> RefuseRequest = ProtobufMethod.Create<RefuseRequestRequest, RefuseRequestResponse>(Service, "RefuseRequest");

    public static readonly Method<ListGrantsRequest, ListGrantsResponse> ListGrants = ProtobufMethod.Create<ListGrantsRequest, ListGrantsResponse>(Service, "ListGrants");

    public static readonly Method<RevokeGrantRequest, RevokeGrantResponse> RevokeGrant = ProtobufMethod.Create<RevokeGrantRequest, RevokeGrantResponse>(Service, "RevokeGrant");
}
