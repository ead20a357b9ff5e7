namespace PrivacyNode.Node.Catalog;

/// <summary>Data grades: the three-level scale 一般 / 重要 / 核心 (general / important / core) or levels L1-L4.</summary>
public static class Grades
{
    private static readonly Dictionary<string, string> Canonical = new(StringComparer.OrdinalIgnoreCase)
    {
        ["一般"] = "一般", ["general"] = "一般",
        ["重要"] = "重要", ["important"] = "重要",
        ["核心"] = "核心", ["core"] = "核心",
        ["L1"] = "L1", ["L2"] = "L2", ["L3"] = "L3", ["L4"] = "L4",
    };

    /// <summary>The canonical grade for <paramref name="text"/>, or null if it is not a grade.</summary>
    public static string? Normalize(string? text) => text is not null && Canonical.TryGetValue(text.Trim(), out var grade) ? grade : null;

    public const string Rule = "The grade is one of 一般 (general), 重要 (important), 核心 (core), or L1-L4.";
}
