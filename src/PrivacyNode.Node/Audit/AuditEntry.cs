using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Node.Audit;

/// <summary>What happened, as the caller of <see cref="AuditLog"/> states it; the log adds sequence, time, chain and signature.</summary>
/// <param name="Actor">A local user name, <c>peer:&lt;name&gt;</c>, or <c>system</c>.</param>
/// <param name="ActorRole">admin, analyst, auditor, peer, system, or none (no valid token).</param>
/// <param name="Action">What happened, for example <c>dataset.add</c>.</param>
/// <param name="Outcome">ok, allow, deny or error.</param>
public sealed record AuditEntry(string Actor, string ActorRole, string Action, string Outcome = "ok")
{
    public string ReasonCode { get; init; } = "";

    public string Peer { get; init; } = "";

    public string Dataset { get; init; } = "";

    public string RequestId { get; init; } = "";

    public string GrantId { get; init; } = "";

    public string JobId { get; init; } = "";

    public string PurposeCode { get; init; } = "";

    /// <summary>Sizes, counts and other facts; never data values.</summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>();

    public AuditReceipt? PeerReceipt { get; init; }
}
