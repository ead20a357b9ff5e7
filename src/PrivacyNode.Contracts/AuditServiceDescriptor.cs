using PrivacyNode.Contracts.V1;
using PrivacyNode.Rpc;

namespace PrivacyNode.Contracts;

/// <summary><c>privacynode.v1.AuditService</c>, on the local endpoint.</summary>
public static class AuditServiceDescriptor
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = AuditReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("AuditService");

    public static readonly Method<ExportAuditRequest, ExportAuditResponse> ExportAudit = ProtobufMethod.Create<ExportAuditRequest, ExportAuditResponse>(Service, "ExportAudit");
}
