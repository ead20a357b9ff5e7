namespace PrivacyNode.Node;

/// <summary>Machine-readable codes from .NET names: <c>GrantExpired</c> → <c>grant-expired</c>.</summary>
internal static class KebabCase
{
    public static string Of(string pascalCase) =>
        string.Concat(pascalCase.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
