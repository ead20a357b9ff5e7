using Grpc.Health.V1;
using PrivacyNode.Rpc;

namespace PrivacyNode.Contracts;

/// <summary>The standard <c>grpc.health.v1.Health</c> service.</summary>
public static class HealthServiceDescriptor
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = HealthReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("Health");

    public static readonly Method<HealthCheckRequest, HealthCheckResponse> Check = ProtobufMethod.Create<HealthCheckRequest, HealthCheckResponse>(Service, "Check");

    public static readonly Method<HealthCheckRequest, HealthCheckResponse> Watch = ProtobufMethod.Create<HealthCheckRequest, HealthCheckResponse>(Service, "Watch");
}
