using System.CommandLine;

namespace PrivacyNode.Cli.Commands;

/// <summary>Options accepted by every command.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Node { get; } = new("--node") { Description = "The node's local endpoint, e.g. http://127.0.0.1:7080 (default: $PRIVACYNODE_NODE).", Recursive = true };

    public Option<string?> DataDir { get; } = new("--data-dir", "-d") { Description = "Find the running node from its data directory (default: $PRIVACYNODE_DATA_DIR).", Recursive = true };

    public Option<string?> Token { get; } = new("--token") { Description = "Your bearer token; other local users can read it in the process list, so prefer --token-file (default: $PRIVACYNODE_TOKEN).", Recursive = true };

    public Option<string?> TokenFile { get; } = new("--token-file") { Description = "A file holding your bearer token, readable only by you (default: $PRIVACYNODE_TOKEN_FILE).", Recursive = true };

    public Option<bool> Json { get; } = new("--json") { Description = "Print results as JSON for scripts.", Recursive = true };

    public void AddTo(Command root)
    {
        root.Options.Add(Node);
        root.Options.Add(DataDir);
        root.Options.Add(Token);
        root.Options.Add(TokenFile);
        root.Options.Add(Json);
    }
}
