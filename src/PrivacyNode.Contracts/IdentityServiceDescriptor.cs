using PrivacyNode.Contracts.V1;
using PrivacyNode.Rpc;

namespace PrivacyNode.Contracts;

/// <summary><c>privacynode.v1.IdentityService</c>, on the local endpoint.</summary>
public static class IdentityServiceDescriptor
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = IdentityReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("IdentityService");

    public static readonly Method<DescribeNodeRequest, DescribeNodeResponse> DescribeNode = ProtobufMethod.Create<DescribeNodeRequest, DescribeNodeResponse>(Service, "DescribeNode");

    public static readonly Method<GetInvitationRequest, GetInvitationResponse> GetInvitation = ProtobufMethod.Create<GetInvitationRequest, GetInvitationResponse>(Service, "GetInvitation");

    public static readonly Method<RotateCertificateRequest, RotateCertificateResponse> RotateCertificate = ProtobufMethod.Create<RotateCertificateRequest, RotateCertificateResponse>(Service, "RotateCertificate");
}
