using System.Text.RegularExpressions;

namespace PrivacyNode.Crypto.Tests;

/// <summary>
/// Layers inside PrivacyNode.Crypto point one way: Arithmetic → Rlwe → Bfv → Multiparty → Aggregate, the groups (Ristretto, Sm2) → Psi, and
/// Blocks, Ristretto → Vole → Psi.
/// Checked on the sources: no file of a layer names a namespace above it.
/// </summary>
public sealed partial class LayeringTests
{
    public static TheoryData<string, string[]> Layers => new()
    {
        { "Arithmetic", ["Rlwe", "Bfv", "Multiparty", "Psi", "Aggregate", "Ristretto", "Sm2"] },
        { "Rlwe", ["Bfv", "Multiparty", "Psi", "Aggregate", "Ristretto", "Sm2"] },
        { "Bfv", ["Multiparty", "Psi", "Aggregate", "Ristretto", "Sm2"] },
        { "Multiparty", ["Psi", "Aggregate", "Ristretto", "Sm2"] },
        { "Ristretto", ["Psi", "Aggregate", "Multiparty", "Sm2", "Rlwe", "Bfv", "Arithmetic", "Vole"] },
        { "Vole", ["Psi", "Aggregate", "Multiparty", "Sm2", "Rlwe", "Bfv", "Arithmetic"] },
        { "Blocks", ["Psi", "Aggregate", "Multiparty", "Sm2", "Rlwe", "Bfv", "Arithmetic", "Ristretto", "Vole"] },
        { "Sm2", ["Psi", "Aggregate", "Multiparty", "Ristretto", "Rlwe", "Bfv", "Arithmetic"] },
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void Layer_NamesNoNamespaceAboveIt(string layer, string[] above)
    {
        var folder = Path.Combine(RepositoryRoot(), "src", "PrivacyNode.Crypto", layer);
        var files = Directory.GetFiles(folder, "*.cs");
        Assert.NotEmpty(files);

        var offending = files
            .SelectMany(f => NamespaceReference().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Namespace: m.Groups[1].Value)))
            .Where(r => above.Contains(r.Namespace))
            .Select(r => $"{r.File} → {r.Namespace}")
            .ToList();
        Assert.True(offending.Count == 0, $"{layer} reaches up: " + string.Join(", ", offending));
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "PrivacyNode.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("PrivacyNode.sln not found above the test binaries.");
    }

    [GeneratedRegex(@"PrivacyNode\.Crypto\.(\w+)")]
    private static partial Regex NamespaceReference();
}
