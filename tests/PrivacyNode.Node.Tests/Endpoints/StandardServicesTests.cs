using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Testing;

namespace PrivacyNode.Node.Tests.Endpoints;

/// <summary>The standard services on the local endpoint: reflection for generic tools, and health that follows the node's life.</summary>
public sealed class StandardServicesTests : IAsyncLifetime
{
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync("insurer");

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Reflection_ListsTheLocalServices_WithoutAToken()
    {
        using var call = new ServerReflection.ServerReflectionClient(_node.Local).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();

        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();

        Assert.Contains("privacynode.v1.JobService", services);
        Assert.Contains("privacynode.v1.AuditService", services);
        Assert.Contains("grpc.health.v1.Health", services);
        Assert.DoesNotContain("privacynode.v1.PeerJobService", services);
    }

    [Fact]
    public async Task Reflection_DescribesAMethodsMessages()
    {
        using var call = new ServerReflection.ServerReflectionClient(_node.Local).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "privacynode.v1.JobService" });
        await call.RequestStream.CompleteAsync();

        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var files = call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto
            .Select(bytes => Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(bytes).Name).ToList();

        Assert.Contains("privacynode/v1/job.proto", files);
    }

    [Fact]
    public async Task AuditExport_IsGzipCompressedForACallerThatAcceptsGzip()
    {
        var auditor = (await _node.Users.AddUserAsync(new AddUserRequest { Name = "wang.fang", Role = Role.Auditor }, _node.As())).Token;
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_node.Host.LocalAddress, "/privacynode.v1.AuditService/ExportAudit"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(new byte[5]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "identity,gzip");
        request.Headers.TryAddWithoutValidation("authorization", "Bearer " + auditor);

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("gzip", response.Headers.GetValues("grpc-encoding").Single());
        Assert.Equal(1, body[0]);
    }

    [Fact]
    public async Task HealthWatch_SeesServing_ThenNotServingWhenTheNodeStops()
    {
        using var watch = new Health.HealthClient(_node.Local).Watch(new HealthCheckRequest(), TestCalls.Within(TimeSpan.FromSeconds(30)));
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, watch.ResponseStream.Current.Status);

        var stopping = _node.Host.StopAsync();
        var sawNotServing = false;
        try
        {
            while (await watch.ResponseStream.MoveNext(CancellationToken.None))
            {
                sawNotServing |= watch.ResponseStream.Current.Status == HealthCheckResponse.Types.ServingStatus.NotServing;
            }
        }
        catch (RpcException)
        {
            // The stream ends with the server; what it sent before is what counts.
        }

        await stopping;
        Assert.True(sawNotServing);
    }
}
