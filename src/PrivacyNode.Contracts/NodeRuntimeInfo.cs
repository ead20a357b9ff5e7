using System.Text.Json;
using System.Text.Json.Serialization;

namespace PrivacyNode.Contracts;

/// <summary>
/// What a running node publishes in <c>run/endpoints.json</c> inside its data directory, so that local
/// clients given <c>--data-dir</c> find its endpoints even when they were bound to port 0.
/// </summary>
/// <param name="Local">The local endpoint URL, e.g. <c>http://127.0.0.1:7080</c>.</param>
/// <param name="Peer">The bound peer endpoint, <c>ip:port</c>.</param>
/// <param name="ProcessId">The node's process id.</param>
/// <param name="Console">The web console's URL, e.g. <c>http://127.0.0.1:7081/</c>; null when the node serves none.</param>
/// <param name="Metrics">The Prometheus metrics URL, e.g. <c>http://127.0.0.1:7082/metrics</c>; null when the node serves none.</param>
public sealed record NodeRuntimeInfo(string Local, string Peer, int ProcessId, string? Console = null, string? Metrics = null)
{
    /// <summary>The file, relative to the data directory.</summary>
    public static readonly string RelativePath = Path.Combine("run", "endpoints.json");

    /// <summary>Publishes this record for <paramref name="dataDirectory"/>, replacing any previous one atomically.</summary>
    public void Write(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, RelativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, NodeRuntimeInfoJson.Default.NodeRuntimeInfo));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads the record of a running node; null when none is published or it cannot be read.</summary>
    public static NodeRuntimeInfo? TryRead(string dataDirectory)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(dataDirectory, RelativePath)), NodeRuntimeInfoJson.Default.NodeRuntimeInfo);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Withdraws the record (the node stopped).</summary>
    public static void Delete(string dataDirectory)
    {
        try
        {
            File.Delete(Path.Combine(dataDirectory, RelativePath));
        }
        catch (IOException)
        {
        }
    }
}

[JsonSerializable(typeof(NodeRuntimeInfo))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
internal sealed partial class NodeRuntimeInfoJson : JsonSerializerContext;
