using Grpc.Core;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Peers;
using PrivacyNode.PinnedTls;

namespace PrivacyNode.Node.Security;

/// <summary>
/// Access control on the peer endpoint. The TLS handshake already refused unpinned certificates; this check
/// runs on every call, because a connection can outlive its peer's pairing (a removed peer's open
/// connection must not keep working), and records which peer is calling. Refusals of this check are audited
/// within the peer refusal budget; a handler's refusals are audited by the handler, which knows the job or request.
/// </summary>
public sealed class PeerAccess(PeerPins pins, AuditLog audit, PeerRefusalBudget refusals, NodeMetrics metrics)
{
    private static readonly object FingerprintKey = new();

    /// <summary>The endpoint's authorizer.</summary>
    public ValueTask AuthorizeAsync(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var certificate = context.GetHttpContext().Connection.ClientCertificate
            ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "The peer endpoint needs a client certificate."));
        var fingerprint = CertificateFingerprint.Compute(certificate);
        if (pins.Identify(fingerprint) is not { } peer)
        {
            // Kept for the refusal's audit record: the only name this caller has.
            context.UserState[FingerprintKey] = CertificateFingerprint.ToHex(fingerprint);
            throw new RpcException(new Status(StatusCode.PermissionDenied, "This certificate is no longer paired with this node."));
        }

        context.SetPeer(peer);
        metrics.PeerCertificate(peer.Name, certificate.NotAfter.ToUniversalTime());
        return ValueTask.CompletedTask;
    }

    /// <summary>The endpoint's refusal record: a <c>peer.call-refused</c> record for a call this check refused.</summary>
    public async ValueTask RecordRefusalAsync(ServerCallContext context, RpcException refusal)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(refusal);
        if (!context.UserState.TryGetValue(FingerprintKey, out var value) || value is not string fingerprint || !refusals.TryTake(fingerprint))
        {
            return;
        }

        await audit.AppendAsync(Actor.Anonymous.Does("peer.call-refused", "deny") with
        {
            ReasonCode = KebabCase.Of(refusal.StatusCode.ToString()),
            Details = new Dictionary<string, string> { ["method"] = context.Method, ["certificate"] = fingerprint },
        }, CancellationToken.None);
    }
}
