using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Identity;
using PrivacyNode.PinnedTls;
using PrivacyNode.Testing;

namespace PrivacyNode.Node.Tests.Interop;

/// <summary>A gRPC client nobody here wrote (Python grpcio) reaches a node over mutual TLS, once paired.</summary>
public sealed class PythonPeerTests
{
    [Fact]
    public async Task PythonGrpcio_PairedPeer_HealthChecksAndPings()
    {
        await using var node = await TestNode.StartAsync("bureau");
        var work = Directory.CreateTempSubdirectory("pn-pypeer-").FullName;
        using var pythonCertificate = SelfSignedCertificate.Create("python-peer", ["localhost"], [], TimeSpan.FromDays(1));
        var client = PemFiles.Write(pythonCertificate, work, "python-peer");
        var server = PemFiles.Write(node.Host.Self.Identity.Certificate, work, "node");
        var invitation = new Invitation("python-peer", "127.0.0.1", 9, CertificateFingerprint.Compute(pythonCertificate));
        await node.Peers.AddPeerAsync(new AddPeerRequest { Invitation = invitation.ToString() }, node.As());
        var stubs = await PythonGrpc.GenerateStubsAsync(Path.Combine(AppContext.BaseDirectory, "proto"),
            "grpc/health/v1/health.proto", "privacynode/v1/common.proto", "privacynode/v1/node.proto");

        var result = await PythonGrpc.RunAsync(
            [Path.Combine(AppContext.BaseDirectory, "Interop", "node_client.py"), $"127.0.0.1:{node.Host.PeerEndPoint.Port}", server.Certificate, client.Certificate, client.Key, "python-peer"],
            stubs, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.StandardOutput + result.StandardError);
        Assert.Contains("PASS ping from bureau, caller python-peer", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PythonGrpcio_UnpairedPeer_IsRefused()
    {
        await using var node = await TestNode.StartAsync("bureau");
        var work = Directory.CreateTempSubdirectory("pn-pypeer-").FullName;
        using var pythonCertificate = SelfSignedCertificate.Create("python-peer", ["localhost"], [], TimeSpan.FromDays(1));
        var client = PemFiles.Write(pythonCertificate, work, "python-peer");
        var server = PemFiles.Write(node.Host.Self.Identity.Certificate, work, "node");
        var stubs = await PythonGrpc.GenerateStubsAsync(Path.Combine(AppContext.BaseDirectory, "proto"),
            "grpc/health/v1/health.proto", "privacynode/v1/common.proto", "privacynode/v1/node.proto");

        var result = await PythonGrpc.RunAsync(
            [Path.Combine(AppContext.BaseDirectory, "Interop", "node_client.py"), $"127.0.0.1:{node.Host.PeerEndPoint.Port}", server.Certificate, client.Certificate, client.Key, "python-peer"],
            stubs, TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("UNAVAILABLE", result.StandardError, StringComparison.Ordinal);
    }
}
