using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Node.Users;

/// <summary>The stored and displayed names of roles.</summary>
public static class Roles
{
    public static string ToText(Role role) => role switch
    {
        Role.Admin => "admin",
        Role.Analyst => "analyst",
        Role.Auditor => "auditor",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Not a role."),
    };

    public static bool TryParse(string? text, out Role role)
    {
        role = text?.ToLowerInvariant() switch
        {
            "admin" => Role.Admin,
            "analyst" => Role.Analyst,
            "auditor" => Role.Auditor,
            _ => Role.Unspecified,
        };
        return role != Role.Unspecified;
    }
}
