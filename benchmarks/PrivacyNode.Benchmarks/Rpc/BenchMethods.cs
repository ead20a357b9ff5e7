using PrivacyNode.Benchmarks.Protos;
using PrivacyNode.Rpc;

namespace PrivacyNode.Benchmarks.Rpc;

internal static class BenchMethods
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = BenchReflection.Descriptor.Services[0];

    public static readonly Method<Payload, Payload> Unary = ProtobufMethod.Create<Payload, Payload>(Service, "Unary");
    public static readonly Method<DownloadRequest, Payload> Download = ProtobufMethod.Create<DownloadRequest, Payload>(Service, "Download");
    public static readonly Method<Payload, UploadSummary> Upload = ProtobufMethod.Create<Payload, UploadSummary>(Service, "Upload");
}
