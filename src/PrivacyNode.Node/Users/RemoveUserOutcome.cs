namespace PrivacyNode.Node.Users;

/// <summary>What <see cref="UserStore.RemoveAsync"/> did.</summary>
public enum RemoveUserOutcome
{
    Removed,
    NotFound,
    LastAdmin,
}
