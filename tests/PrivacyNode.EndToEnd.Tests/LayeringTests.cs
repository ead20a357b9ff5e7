using System.Reflection;
using System.Xml.Linq;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>
/// Layers point one way: Crypto and PinnedTls are leaves; Contracts uses Crypto (to verify audit exports); Node uses all three, Cli uses Crypto and Contracts,
/// and Node and Cli never use each other. Checked on the project files and on the compiled assemblies.
/// </summary>
public sealed class LayeringTests
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["PrivacyNode.Crypto"] = [],
        ["PrivacyNode.PinnedTls"] = [],
        ["PrivacyNode.Contracts"] = ["PrivacyNode.Crypto"],
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

    /// <summary>
    /// The node's folders in layers, lowest first: a folder may use folders of lower layers only, so folders of one layer (the job
    /// kinds, say) never use each other. The root namespace (the entry point, the log and the exception) is outside the layers.
    /// </summary>
    private static readonly string[][] NodeLayers =
    [
        ["Configuration", "Endpoints"],
        ["Storage", "Identity"],
        ["Audit"],
        ["Users", "Catalog", "Peers"],
        ["Access", "Security"],
        ["Jobs"],
        ["Kinds.RowCount", "Kinds.Psi", "Kinds.HeAggregate"],
        ["Kinds"],
        ["Services"],
        ["WebConsole"],
        ["Hosting"],
    ];

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

    [Fact]
    public void NodeFolders_DependOnEachOtherOneWay()
    {
        var layerOf = NodeLayers.SelectMany((folders, layer) => folders.Select(f => (f, layer))).ToDictionary(p => p.f, p => p.layer);
        var node = Path.Combine(RepositoryLayout.Root, "src", "PrivacyNode.Node");
        var problems = new List<string>();
        foreach (var file in Directory.EnumerateFiles(node, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var folder = Path.GetRelativePath(node, Path.GetDirectoryName(file)!).Replace(Path.DirectorySeparatorChar, '.');
            if (folder == ".")
            {
                continue;
            }

            var text = File.ReadAllText(file);
            var name = Path.GetRelativePath(node, file);
            if (!layerOf.TryGetValue(folder, out var layer))
            {
                problems.Add($"{name}: folder {folder} is in no layer");
                continue;
            }

            if (!text.Contains($"namespace PrivacyNode.Node.{folder};", StringComparison.Ordinal))
            {
                problems.Add($"{name}: namespace is not PrivacyNode.Node.{folder}");
            }

            foreach (var used in System.Text.RegularExpressions.Regex.Matches(text, @"PrivacyNode\.Node\.(Kinds\.\w+|\w+)").Select(m => m.Groups[1].Value).Distinct())
            {
                if (used != folder && layerOf.TryGetValue(used, out var usedLayer) && usedLayer >= layer)
                {
                    problems.Add($"{name}: {folder} uses {used}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private static bool IsGenerated(Type type) =>
        type.Namespace is "Microsoft.CodeAnalysis" or "System.Runtime.CompilerServices" or "System.Text.RegularExpressions.Generated"
        || type.Namespace!.StartsWith("System.Text.RegularExpressions", StringComparison.Ordinal);
}
