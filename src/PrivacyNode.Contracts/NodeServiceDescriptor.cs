using PrivacyNode.Contracts.V1;
using PrivacyNode.Rpc;

namespace PrivacyNode.Contracts;

/// <summary><c>privacynode.v1.NodeService</c>, on the peer endpoint.</summary>
public static class NodeServiceDescriptor
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = NodeReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("NodeService");

    public static readonly Method<GetNodeInfoRequest, GetNodeInfoResponse> GetNodeInfo = ProtobufMethod.Create<GetNodeInfoRequest, GetNodeInfoResponse>(Service, "GetNodeInfo");

    public static readonly Method<PingRequest, PingResponse> Ping = ProtobufMethod.Create<PingRequest, PingResponse>(Service, "Ping");

    public static readonly Method<AnnounceCertificateRequest, AnnounceCertificateResponse> AnnounceCertificate = ProtobufMethod.Create<AnnounceCertificateRequest, AnnounceCertificateResponse>(Service, "AnnounceCertificate");
}
