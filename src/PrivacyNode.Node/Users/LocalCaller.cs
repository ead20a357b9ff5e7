using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Audit;

namespace PrivacyNode.Node.Users;

/// <summary>The authenticated user of a local-endpoint call; its user id is never reused.</summary>
public sealed record LocalCaller(string Name, Role Role, string UserId)
{
    /// <summary>This user as the audit log names them.</summary>
    public Actor Actor => new(Name, Roles.ToText(Role));
}
