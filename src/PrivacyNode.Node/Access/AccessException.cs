namespace PrivacyNode.Node.Access;

/// <summary>What kind of problem an <see cref="AccessException"/> reports; services map it to a status code.</summary>
public enum AccessError
{
    NotFound,
    Conflict,
    NotShared,
    Invalid,
}

/// <summary>A request or grant operation that cannot be done as asked.</summary>
public sealed class AccessException(AccessError error, string message) : Exception(message)
{
    public AccessError Error { get; } = error;
}
