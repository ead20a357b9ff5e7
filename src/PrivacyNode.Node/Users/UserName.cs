using System.Text.RegularExpressions;

namespace PrivacyNode.Node.Users;

/// <summary>User names: 1–64 characters, lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.</summary>
public static partial class UserName
{
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>The rule, for error messages about <paramref name="name"/>.</summary>
    public static string Rule(string? name) =>
        $"User name '{name}' is invalid: use 1–64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.";

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
