using PrivacyNode.Rpc.Client;
using PrivacyNode.Rpc.Tests.Infrastructure;

namespace PrivacyNode.Rpc.Tests;

/// <summary>The shared call tests over h2c (HTTP/2 with prior knowledge).</summary>
public sealed class CleartextCallTests(EchoServerFixture fixture) : OurServerCallTests(fixture), IClassFixture<EchoServerFixture>
{
    protected override RpcChannel CreateChannel(RpcChannelOptions? options = null) =>
        new(Fixture.Cleartext.Address, options);
}
