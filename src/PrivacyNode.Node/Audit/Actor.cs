namespace PrivacyNode.Node.Audit;

/// <summary>Who acts, as the audit log names them.</summary>
/// <param name="Name">A local user name, <c>peer:&lt;name&gt;</c>, or <c>system</c>.</param>
/// <param name="Role">admin, analyst, auditor, peer, system, or none (no valid token).</param>
public sealed record Actor(string Name, string Role)
{
    /// <summary>The node itself (timers, restarts, init).</summary>
    public static readonly Actor System = new("system", "system");

    /// <summary>A caller on the local endpoint without a valid token.</summary>
    public static readonly Actor Anonymous = new("anonymous", "none");

    /// <summary>A paired node calling the peer endpoint.</summary>
    public static Actor Peer(string peer) => new("peer:" + peer, "peer");

    /// <summary>An entry for <paramref name="action"/> by this actor.</summary>
    public AuditEntry Does(string action, string outcome = "ok") => new(Name, Role, action, outcome);
}
