using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Node.Users;

/// <summary>A local user as stored (the token hash stays in the store).</summary>
public sealed record UserRecord(string Name, Role Role, DateTimeOffset CreatedAt, string CreatedBy);
