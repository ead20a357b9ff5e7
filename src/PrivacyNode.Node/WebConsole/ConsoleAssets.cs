using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace PrivacyNode.Node.WebConsole;

/// <summary>The console's style sheet and script, embedded in the node (nothing is fetched from elsewhere).</summary>
public static class ConsoleAssets
{
    private static readonly Dictionary<string, (byte[] Bytes, string Type)> Files = new(StringComparer.Ordinal)
    {
        ["console.css"] = (Read("console.css"), "text/css; charset=utf-8"),
        ["console.js"] = (Read("console.js"), "text/javascript; charset=utf-8"),
    };

    /// <summary>Serves each asset at <c>/assets/name</c>.</summary>
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/assets/{name}", (string name) =>
            Files.TryGetValue(name, out var file) ? Results.Bytes(file.Bytes, file.Type) : Results.NotFound());
    }

    private static byte[] Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("console/" + name)
            ?? throw new InvalidOperationException($"The console asset {name} is not embedded in the node.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
