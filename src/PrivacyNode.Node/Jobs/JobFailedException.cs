using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Node.Jobs;

/// <summary>A job ends in failure for a stated reason (a policy denial, an unreadable dataset, a peer error).</summary>
public sealed class JobFailedException(string code, string message, AuditReceipt? peerReceipt = null) : Exception(message)
{
    /// <summary>Machine-readable: a policy reason code, or for example <c>peer-unavailable</c>.</summary>
    public string Code { get; } = code;

    /// <summary>The provider's audit record of the failure, when it made one.</summary>
    public AuditReceipt? PeerReceipt { get; } = peerReceipt;
}
