using Google.Protobuf.WellKnownTypes;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Identity;
using PrivacyNode.Node.Security;
using PrivacyNode.Rpc;
using PrivacyNode.Rpc.Server;

namespace PrivacyNode.Node.Services;

/// <summary>NodeService on the peer endpoint: what paired nodes ask of each other.</summary>
public sealed class NodeRpcService(NodeSelf self, CertificateRotation rotation, TimeProvider clock)
{
    private const int MaxPingPayload = 1024;

    public void Map(RpcRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        router.MapUnary(NodeServiceDescriptor.GetNodeInfo, GetNodeInfoAsync);
        router.MapUnary(NodeServiceDescriptor.Ping, PingAsync);
        router.MapUnary(NodeServiceDescriptor.AnnounceCertificate, AnnounceCertificateAsync);
    }

    private Task<GetNodeInfoResponse> GetNodeInfoAsync(GetNodeInfoRequest request, ServerCallContext context) =>
        Task.FromResult(new GetNodeInfoResponse { Node = self.ToNodeInfo() });

    private Task<PingResponse> PingAsync(PingRequest request, ServerCallContext context)
    {
        if (request.Payload.Length > MaxPingPayload)
        {
            throw new RpcException(StatusCode.InvalidArgument, $"A ping payload holds at most {MaxPingPayload} bytes.");
        }

        return Task.FromResult(new PingResponse
        {
            Payload = request.Payload,
            Responder = self.Name,
            Caller = context.GetPeer().Name,
            ServerTime = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
        });
    }

    private async Task<AnnounceCertificateResponse> AnnounceCertificateAsync(AnnounceCertificateRequest request, ServerCallContext context)
    {
        await rotation.AcceptAsync(context.GetPeer(), context.ClientCertificate!, request, context.CancellationToken);
        return new AnnounceCertificateResponse();
    }
}
