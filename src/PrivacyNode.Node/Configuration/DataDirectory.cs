using System.Text.Json;
using System.Text.Json.Nodes;

namespace PrivacyNode.Node.Configuration;

/// <summary>
/// The node's data directory: <c>node.json</c> (configuration, with a format number), <c>identity.pem</c>
/// (certificate and key, owner-only), <c>audit-key.pem</c> (audit signing key, owner-only), <c>node.db</c> (SQLite store) and <c>run/</c> (what a running node
/// publishes for local clients, see <see cref="Contracts.NodeRuntimeInfo"/>).
/// </summary>
public sealed class DataDirectory
{
    /// <summary>The layout version this software writes and reads.</summary>
    public const int Format = 1;

    public DataDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }

    public string ConfigurationFile => System.IO.Path.Combine(Path, "node.json");

    public string IdentityFile => System.IO.Path.Combine(Path, "identity.pem");

    public string DatabaseFile => System.IO.Path.Combine(Path, "node.db");

    /// <summary>The provider's precomputed PSI tags and their OPRF keys (the psi kind's tag cache).</summary>
    public string PsiCacheDirectory => System.IO.Path.Combine(Path, "psi-cache");

    /// <summary>The Ed25519 key that signs the audit log (owner-only).</summary>
    public string AuditKeyFile => System.IO.Path.Combine(Path, "audit-key.pem");


    /// <summary>Checks that this is a node data directory this software can use.</summary>
    /// <exception cref="NodeException">Missing, not a node directory, from another format version, or unreadable.</exception>
    public void EnsureUsable()
    {
        if (!Directory.Exists(Path))
        {
            throw new NodeException($"Data directory '{Path}' does not exist. Create a node with: privacynode init --name <name> --data-dir {Path}");
        }

        if (!File.Exists(ConfigurationFile))
        {
            throw new NodeException($"'{Path}' is not a PrivacyNode data directory (node.json is missing). Create a node with: privacynode init --name <name> --data-dir {Path}");
        }

        var format = ReadFormat();
        if (format != Format)
        {
            throw new NodeException(format > Format
                ? $"Data directory '{Path}' has format {format}, newer than this software supports ({Format}). Upgrade PrivacyNode."
                : $"Data directory '{Path}' has format {format}, which this software cannot read (it expects {Format}).");
        }

        if (!File.Exists(IdentityFile))
        {
            throw new NodeException($"Data directory '{Path}' has no identity.pem. Restore it from backup, or re-initialize the node and pair again.");
        }
    }

    private int ReadFormat()
    {
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(ConfigurationFile), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return root?["Format"]?.GetValue<int>() ?? root?["format"]?.GetValue<int>()
                ?? throw new NodeException($"{ConfigurationFile} has no \"Format\" number; it was not written by PrivacyNode.");
        }
        catch (JsonException ex)
        {
            throw new NodeException($"{ConfigurationFile} is not valid JSON: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new NodeException($"Cannot read {ConfigurationFile}: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            throw new NodeException($"{ConfigurationFile} has an invalid \"Format\" value: {ex.Message}", ex);
        }
    }
}
