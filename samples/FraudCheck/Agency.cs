using System.Text.Json;
using PrivacyNode.Cli;
using PrivacyNode.Contracts;
using PrivacyNode.Node.Hosting;

namespace PrivacyNode.Samples.FraudCheck;

/// <summary>
/// One agency's node, initialized and served in this process on loopback with its embedded SQLite store,
/// and the CLI its staff would type, run in-process with their tokens.
/// </summary>
internal sealed class Agency : IAsyncDisposable
{
    private readonly NodeHost _host;
    private readonly Dictionary<string, string> _tokens = new(StringComparer.Ordinal);

    private Agency(string name, string directory, string adminToken, NodeHost host)
    {
        Name = name;
        Directory = directory;
        _tokens["admin"] = adminToken;
        _host = host;
    }

    public string Name { get; }

    /// <summary>The node's data directory.</summary>
    public string Directory { get; }

    /// <summary>Runs <c>privacynode init</c> and starts the node.</summary>
    public static async Task<Agency> StartAsync(string name, string directory, CancellationToken cancellationToken)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await NodeProgram.RunAsync(
            ["init", "--name", name, "--data-dir", directory, "--peer-listen", "127.0.0.1:0", "--local-listen", "127.0.0.1:0", "--json"],
            output, error, cancellationToken);
        if (code != ExitCodes.Success)
        {
            throw new ScenarioException($"privacynode init for {name} exited {code}: {error}");
        }

        var token = JsonDocument.Parse(output.ToString()).RootElement.GetProperty("adminToken").GetString()!;
        var host = await NodeHost.StartAsync(directory, configureLogging: _ => { }, cancellationToken: cancellationToken);
        return new Agency(name, directory, token, host);
    }

    /// <summary>Adds a user with <paramref name="role"/> (analyst or auditor); later calls as <paramref name="user"/> use its token.</summary>
    public async Task AddUserAsync(string user, string role, CancellationToken cancellationToken)
    {
        var output = await RunAsync("admin", cancellationToken, "user", "add", user, "--role", role, "--json");
        _tokens[user] = JsonDocument.Parse(output).RootElement.GetProperty("token").GetString()!;
    }

    /// <summary>Runs <c>privacynode <paramref name="args"/></c> against this node as <paramref name="user"/>; its output, or a <see cref="ScenarioException"/>.</summary>
    public async Task<string> RunAsync(string user, CancellationToken cancellationToken, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliProgram.RunAsync(
            [.. args, "--data-dir", Directory],
            new CliEnvironment(output, error, new Dictionary<string, string> { ["PRIVACYNODE_TOKEN"] = _tokens[user] }),
            cancellationToken);
        return code == ExitCodes.Success
            ? output.ToString()
            : throw new ScenarioException($"{Name}: privacynode {string.Join(' ', args)} exited {code}: {error}{output}".Trim());
    }

    /// <summary>Like <see cref="RunAsync"/>, with the JSON output parsed.</summary>
    public async Task<JsonElement> JsonAsync(string user, CancellationToken cancellationToken, params string[] args) =>
        JsonDocument.Parse(await RunAsync(user, cancellationToken, [.. args, "--json"])).RootElement;

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}

/// <summary>A step of the scenario failed; the message says which and why.</summary>
internal sealed class ScenarioException(string message) : Exception(message);
