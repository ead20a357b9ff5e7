using Grpc.Core;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Identity;
using PrivacyNode.Node.Peers;
using PrivacyNode.Node.Security;

namespace PrivacyNode.Node.Services;

/// <summary>IdentityService on the local endpoint: describe the node, hand out its invitation, rotate its certificate.</summary>
public sealed class IdentityRpcService(NodeSelf self, PeerStore peers, CertificateRotation rotation) : IdentityService.IdentityServiceBase
{
    [Allow(Role.Admin, Role.Analyst, Role.Auditor)]
    public override async Task<DescribeNodeResponse> DescribeNode(DescribeNodeRequest request, ServerCallContext context)
    {
        var caller = context.GetLocalCaller();
        var peerCount = (await peers.ListAsync(context.CancellationToken)).Count;
        var node = self.ToNodeInfo();
        node.Commit = NodeSelf.Commit;
        return new DescribeNodeResponse { Node = node, User = caller.Name, Role = caller.Role, PeerCount = peerCount };
    }

    [Allow(Role.Admin)]
    public override Task<GetInvitationResponse> GetInvitation(GetInvitationRequest request, ServerCallContext context) =>
        Task.FromResult(new GetInvitationResponse { Invitation = self.ToInvitation().ToString(), Node = self.ToNodeInfo() });

    [Allow(Role.Admin)]
    public override Task<RotateCertificateResponse> RotateCertificate(RotateCertificateRequest request, ServerCallContext context) =>
        rotation.RotateAsync(context.GetLocalCaller().Actor, context.CancellationToken);
}
