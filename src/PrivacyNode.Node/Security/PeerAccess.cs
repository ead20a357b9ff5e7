using PrivacyNode.Node.Peers;
using PrivacyNode.Rpc;
using PrivacyNode.Rpc.Server;

namespace PrivacyNode.Node.Security;

/// <summary>
/// Access control on the peer endpoint. The TLS handshake already refused unpinned certificates; this hook
/// runs on every call, because a connection can outlive its peer's pairing (a removed peer's open
/// connection must not keep working), and records which peer is calling.
/// </summary>
public sealed class PeerAccess(PeerPins pins)
{
    public ValueTask AuthorizeAsync(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var certificate = context.ClientCertificate
            ?? throw new RpcException(StatusCode.Unauthenticated, "The peer endpoint needs a client certificate.");
        var peer = pins.Identify(certificate)
            ?? throw new RpcException(StatusCode.PermissionDenied, "This certificate is no longer paired with this node.");
        context.SetPeer(peer);
        return ValueTask.CompletedTask;
    }
}
