using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Node.Users;

/// <summary>
/// A local user as stored (the token hash stays in the store). <c>Id</c> is random and never reused: it owns jobs and results, so a
/// user added later under the same name owns none of them.
/// </summary>
public sealed record UserRecord(string Name, Role Role, DateTimeOffset CreatedAt, string CreatedBy, string Id);
