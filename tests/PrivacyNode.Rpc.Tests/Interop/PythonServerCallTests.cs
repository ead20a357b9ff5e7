using PrivacyNode.Rpc.Client;
using PrivacyNode.Rpc.Tests.Infrastructure;

namespace PrivacyNode.Rpc.Tests.Interop;

/// <summary>The conformance suite: our client against Python grpcio's server over h2c.</summary>
public sealed class PythonServerCallTests(PythonEchoServerFixture fixture) : RpcCallTests, IClassFixture<PythonEchoServerFixture>
{
    protected override RpcChannel CreateChannel(RpcChannelOptions? options = null) => new(fixture.Cleartext, options);
}

/// <summary>The conformance suite: our client against Python grpcio's server over mutual TLS.</summary>
public sealed class PythonServerTlsCallTests(PythonEchoServerFixture fixture) : RpcCallTests, IClassFixture<PythonEchoServerFixture>
{
    protected override RpcChannel CreateChannel(RpcChannelOptions? options = null) =>
        new(fixture.Tls, new RpcChannelOptions
        {
            MaxReceiveMessageSize = options?.MaxReceiveMessageSize ?? 4 * 1024 * 1024,
            MaxSendMessageSize = options?.MaxSendMessageSize,
            ClientCertificate = TestCertificates.Client,
            ServerCertificateValidator = TestCertificates.Pin(TestCertificates.Server),
        });
}
