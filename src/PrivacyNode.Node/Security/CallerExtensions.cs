using Grpc.Core;
using PrivacyNode.Node.Peers;
using PrivacyNode.Node.Users;

namespace PrivacyNode.Node.Security;

/// <summary>Who is calling, as established by the endpoint's authorizer before the handler runs.</summary>
public static class CallerExtensions
{
    private static readonly object LocalCallerKey = new();
    private static readonly object PeerKey = new();

    /// <summary>The local user of this call (local endpoint, non-public methods).</summary>
    public static LocalCaller GetLocalCaller(this ServerCallContext context) =>
        context.UserState.TryGetValue(LocalCallerKey, out var value) && value is LocalCaller caller
            ? caller
            : throw new RpcException(new Status(StatusCode.Unauthenticated, "This call has no authenticated user."));

    /// <summary>The paired peer making this call (peer endpoint).</summary>
    public static PeerRecord GetPeer(this ServerCallContext context) =>
        context.UserState.TryGetValue(PeerKey, out var value) && value is PeerRecord peer
            ? peer
            : throw new RpcException(new Status(StatusCode.Unauthenticated, "This call has no authenticated peer."));

    internal static void SetLocalCaller(this ServerCallContext context, LocalCaller caller) => context.UserState[LocalCallerKey] = caller;

    internal static void SetPeer(this ServerCallContext context, PeerRecord peer) => context.UserState[PeerKey] = peer;
}
