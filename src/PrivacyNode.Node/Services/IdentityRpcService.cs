using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Identity;
using PrivacyNode.Node.Peers;
using PrivacyNode.Node.Security;
using PrivacyNode.Rpc.Server;

namespace PrivacyNode.Node.Services;

/// <summary>IdentityService on the local endpoint: describe the node, hand out its invitation, rotate its certificate.</summary>
public sealed class IdentityRpcService(NodeSelf self, PeerStore peers, CertificateRotation rotation)
{
    public void Map(RpcRouter router, LocalAccess access)
    {
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(access);
        router.MapUnary(IdentityServiceDescriptor.DescribeNode, DescribeNodeAsync);
        access.Allow(IdentityServiceDescriptor.DescribeNode, Role.Admin, Role.Analyst, Role.Auditor);
        router.MapUnary(IdentityServiceDescriptor.GetInvitation, GetInvitationAsync);
        access.Allow(IdentityServiceDescriptor.GetInvitation, Role.Admin);
        router.MapUnary(IdentityServiceDescriptor.RotateCertificate, RotateCertificateAsync);
        access.Allow(IdentityServiceDescriptor.RotateCertificate, Role.Admin);
    }

    private async Task<DescribeNodeResponse> DescribeNodeAsync(DescribeNodeRequest request, ServerCallContext context)
    {
        var caller = context.GetLocalCaller();
        var peerCount = (await peers.ListAsync(context.CancellationToken)).Count;
        return new DescribeNodeResponse { Node = self.ToNodeInfo(), User = caller.Name, Role = caller.Role, PeerCount = peerCount };
    }

    private Task<GetInvitationResponse> GetInvitationAsync(GetInvitationRequest request, ServerCallContext context) =>
        Task.FromResult(new GetInvitationResponse { Invitation = self.ToInvitation().ToString(), Node = self.ToNodeInfo() });

    private Task<RotateCertificateResponse> RotateCertificateAsync(RotateCertificateRequest request, ServerCallContext context) =>
        rotation.RotateAsync(Actor.Local(context.GetLocalCaller()), context.CancellationToken);
}
