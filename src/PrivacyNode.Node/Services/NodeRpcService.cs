using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Identity;
using PrivacyNode.Node.Peers;
using PrivacyNode.Node.Security;

namespace PrivacyNode.Node.Services;

/// <summary>NodeService on the peer endpoint: what paired nodes ask of each other.</summary>
public sealed class NodeRpcService(NodeSelf self, CertificateRotation rotation, AuditLog audit, PeerRefusalBudget refusals, TimeProvider clock) : NodeService.NodeServiceBase
{
    private const int MaxPingPayload = 1024;

    public override Task<GetNodeInfoResponse> GetNodeInfo(GetNodeInfoRequest request, ServerCallContext context) =>
        Task.FromResult(new GetNodeInfoResponse { Node = self.ToNodeInfo() });

    public override Task<PingResponse> Ping(PingRequest request, ServerCallContext context)
    {
        if (request.Payload.Length > MaxPingPayload)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"A ping payload holds at most {MaxPingPayload} bytes."));
        }

        return Task.FromResult(new PingResponse
        {
            Payload = request.Payload,
            Responder = self.Name,
            Caller = context.GetPeer().Name,
            ServerTime = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
        });
    }

    /// <summary>Accepts a rotation; a refused announcement is audited (within the peer's refusal budget) before the caller hears of it.</summary>
    public override async Task<AnnounceCertificateResponse> AnnounceCertificate(AnnounceCertificateRequest request, ServerCallContext context)
    {
        var peer = context.GetPeer();
        try
        {
            await rotation.AcceptAsync(peer, context.GetHttpContext().Connection.ClientCertificate!, request, context.CancellationToken);
        }
        catch (RpcException ex) when (refusals.TryTake(peer.Name))
        {
            await audit.AppendAsync(Actor.Peer(peer.Name).Does("peer.rotate-certificate", "deny") with
            {
                Peer = peer.Name,
                ReasonCode = KebabCase.Of(ex.StatusCode.ToString()),
                Details = new Dictionary<string, string> { ["error"] = ex.Status.Detail },
            }, CancellationToken.None);
            throw;
        }

        return new AnnounceCertificateResponse();
    }
}
