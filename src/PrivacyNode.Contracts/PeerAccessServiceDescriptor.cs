using PrivacyNode.Contracts.V1;
using PrivacyNode.Rpc;

namespace PrivacyNode.Contracts;

/// <summary><c>privacynode.v1.PeerAccessService</c>, on the peer endpoint.</summary>
public static class PeerAccessServiceDescriptor
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = AccessReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("PeerAccessService");

    public static readonly Method<SubmitRequestRequest, SubmitRequestResponse> SubmitRequest = ProtobufMethod.Create<SubmitRequestRequest, SubmitRequestResponse>(Service, "SubmitRequest");

    public static readonly Method<GetRequestStatusRequest, GetRequestStatusResponse> GetRequestStatus = ProtobufMethod.Create<GetRequestStatusRequest, GetRequestStatusResponse>(Service, "GetRequestStatus");
}
