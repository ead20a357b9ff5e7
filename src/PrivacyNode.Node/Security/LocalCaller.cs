using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Node.Security;

/// <summary>The authenticated user of a local-endpoint call; its user id is never reused.</summary>
public sealed record LocalCaller(string Name, Role Role, string UserId);
