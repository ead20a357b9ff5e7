using PrivacyNode.Node.Access;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Catalog;
using PrivacyNode.Node.Identity;
using PrivacyNode.Node.Jobs;
using PrivacyNode.Node.Peers;
using PrivacyNode.Node.Security;
using PrivacyNode.Node.Services;
using PrivacyNode.Node.Users;

namespace PrivacyNode.Node.WebConsole;

/// <summary>What the console's pages read and act through: the node's own stores and services, never a copy of their rules.</summary>
public sealed class ConsoleServices
{
    public required NodeSelf Self { get; init; }

    public required AuditLog Audit { get; init; }

    public required AuditQuery AuditQuery { get; init; }

    public required AuditRpcService AuditService { get; init; }

    public required PeerAuditKeys PeerKeys { get; init; }

    public required ChainChecks ChainChecks { get; init; }

    public required UserStore Users { get; init; }

    public required LocalAccess Access { get; init; }

    public required JobStore Jobs { get; init; }

    public required AccessStore AccessStore { get; init; }

    public required AccessRpcService AccessService { get; init; }

    public required PeerStore Peers { get; init; }

    public required DatasetStore Datasets { get; init; }

    public required ConsoleSessions Sessions { get; init; }

    public required TimeProvider Clock { get; init; }

    /// <summary>The zone times are shown in.</summary>
    public required TimeZoneInfo TimeZone { get; init; }

    /// <summary>The language of a browser that has not picked one.</summary>
    public required string DefaultLanguage { get; init; }
}
