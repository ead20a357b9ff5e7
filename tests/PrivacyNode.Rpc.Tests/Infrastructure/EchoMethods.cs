using PrivacyNode.Rpc.Tests.Protos;

namespace PrivacyNode.Rpc.Tests.Infrastructure;

/// <summary>Method descriptors of the test EchoService, derived from the generated file descriptor.</summary>
public static class EchoMethods
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor Service = EchoReflection.Descriptor.Services[0];

    public static readonly Method<EchoRequest, EchoResponse> Echo = ProtobufMethod.Create<EchoRequest, EchoResponse>(Service, "Echo");
    public static readonly Method<FailRequest, EchoResponse> Fail = ProtobufMethod.Create<FailRequest, EchoResponse>(Service, "Fail");
    public static readonly Method<FailRequest, EchoResponse> FailStream = ProtobufMethod.Create<FailRequest, EchoResponse>(Service, "FailStream");
    public static readonly Method<SlowRequest, EchoResponse> Slow = ProtobufMethod.Create<SlowRequest, EchoResponse>(Service, "Slow");
    public static readonly Method<GenerateRequest, EchoResponse> Generate = ProtobufMethod.Create<GenerateRequest, EchoResponse>(Service, "Generate");
    public static readonly Method<EchoRequest, SumResponse> Sum = ProtobufMethod.Create<EchoRequest, SumResponse>(Service, "Sum");
    public static readonly Method<EchoRequest, EchoResponse> Chat = ProtobufMethod.Create<EchoRequest, EchoResponse>(Service, "Chat");
    public static readonly Method<EchoRequest, EchoResponse> EarlyHeaders = ProtobufMethod.Create<EchoRequest, EchoResponse>(Service, "EarlyHeaders");
    public static readonly Method<EchoRequest, EchoResponse> Unmapped = ProtobufMethod.Create<EchoRequest, EchoResponse>(Service, "Unmapped");
}
