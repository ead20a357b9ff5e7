using System.Reflection;
using System.Xml.Linq;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>
/// Layers point one way: Crypto, PinnedTls and Contracts are leaves; Node uses all three, Cli uses Crypto and Contracts,
/// and Node and Cli never use each other. Checked on the project files and on the compiled assemblies.
/// </summary>
public sealed class LayeringTests
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["PrivacyNode.Crypto"] = [],
        ["PrivacyNode.PinnedTls"] = [],
        ["PrivacyNode.Contracts"] = [],
        ["PrivacyNode.Node"] = ["PrivacyNode.Crypto", "PrivacyNode.PinnedTls", "PrivacyNode.Contracts"],
        ["PrivacyNode.Cli"] = ["PrivacyNode.Crypto", "PrivacyNode.Contracts"],
    };

    /// <summary>The compiled assembly name of each project.</summary>
    private static readonly Dictionary<string, string> AssemblyOf = new()
    {
        ["PrivacyNode.Crypto"] = "PrivacyNode.Crypto",
        ["PrivacyNode.PinnedTls"] = "PrivacyNode.PinnedTls",
        ["PrivacyNode.Contracts"] = "PrivacyNode.Contracts",
        ["PrivacyNode.Node"] = "privacynode-node",
        ["PrivacyNode.Cli"] = "privacynode",
    };

    public static TheoryData<string> Projects => new(Allowed.Keys);

    [Theory]
    [MemberData(nameof(Projects))]
    public void ProjectReferences_PointOneWay(string project)
    {
        var file = Path.Combine(RepositoryLayout.Root, "src", project, project + ".csproj");
        var references = XDocument.Load(file).Descendants("ProjectReference")
            .Where(r => (string?)r.Attribute("ReferenceOutputAssembly") != "false")
            .Select(r => Path.GetFileNameWithoutExtension(((string)r.Attribute("Include")!).Replace('\\', '/')))
            .ToList();

        Assert.All(references, r => Assert.Contains(r, Allowed[project]));
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void CompiledAssemblies_ReferenceOnlyLowerLayers(string project)
    {
        var assembly = Assembly.Load(AssemblyOf[project]);
        var ours = AssemblyOf.Values.ToHashSet();
        var allowed = Allowed[project].Select(p => AssemblyOf[p]).ToHashSet();

        var referenced = assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(ours.Contains).ToList();

        Assert.All(referenced, r => Assert.Contains(r, allowed));
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void Namespaces_FollowTheProject(string project)
    {
        var assembly = Assembly.Load(AssemblyOf[project]);
        var stray = assembly.GetTypes()
            .Where(t => t.Namespace is not null && !t.Namespace.StartsWith('<'))
            .Where(t => !IsGenerated(t))
            .Where(t => t.Namespace != project && !t.Namespace!.StartsWith(project + ".", StringComparison.Ordinal))
            .Select(t => t.FullName)
            .ToList();

        Assert.True(stray.Count == 0, $"Types outside namespace {project}: {string.Join(", ", stray)}");
    }

    [Fact]
    public void CliAndNode_ShareNoCode()
    {
        var cli = Assembly.Load("privacynode").GetReferencedAssemblies().Select(a => a.Name);
        var node = Assembly.Load("privacynode-node").GetReferencedAssemblies().Select(a => a.Name);

        Assert.DoesNotContain("privacynode-node", cli);
        Assert.DoesNotContain("privacynode", node);
    }

    private static bool IsGenerated(Type type) =>
        type.Namespace is "Microsoft.CodeAnalysis" or "System.Runtime.CompilerServices" or "System.Text.RegularExpressions.Generated"
        || type.Namespace!.StartsWith("System.Text.RegularExpressions", StringComparison.Ordinal);
}
