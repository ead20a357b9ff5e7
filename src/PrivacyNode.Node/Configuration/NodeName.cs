using System.Text.RegularExpressions;

namespace PrivacyNode.Node.Configuration;

/// <summary>Node and user names: 1–63 characters, lower-case letters, digits and '-', starting with a letter or digit.</summary>
public static partial class NodeName
{
    /// <summary>Whether <paramref name="name"/> is a valid name.</summary>
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>Throws a <see cref="NodeException"/> naming the rule when <paramref name="name"/> is invalid.</summary>
    public static string Validate(string? name, string what)
    {
        if (!IsValid(name))
        {
            throw new NodeException($"{what} '{name}' is invalid: use 1–63 lower-case letters, digits or '-', starting with a letter or digit.");
        }

        return name!;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
