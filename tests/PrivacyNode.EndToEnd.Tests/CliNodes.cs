using System.Text.Json;
using PrivacyNode.Cli.Tests;
using PrivacyNode.Contracts;
using PrivacyNode.Node.Hosting;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>Nodes initialized and served in-process under one temporary root, driven through the CLI's in-process entry point.</summary>
internal sealed class CliNodes
{
    private readonly List<NodeHost> _hosts = [];

    public string Root { get; } = Directory.CreateTempSubdirectory("pn-e2e-").FullName;

    /// <summary>Runs <c>init</c> for <paramref name="name"/> on loopback port 0 and starts the node; returns its directory and admin token.</summary>
    public async Task<Handle> InitAndServeAsync(string name)
    {
        var directory = Path.Combine(Root, name);
        var output = new StringWriter();
        var code = await NodeProgram.RunAsync(
            ["init", "--name", name, "--data-dir", directory, "--peer-listen", "127.0.0.1:0", "--local-listen", "127.0.0.1:0", "--json"],
            output, new StringWriter(), CancellationToken.None);
        Assert.Equal(ExitCodes.Success, code);
        var token = JsonDocument.Parse(output.ToString()).RootElement.GetProperty("adminToken").GetString()!;
        _hosts.Add(await NodeHost.StartAsync(directory, configureLogging: _ => { }));
        return new Handle(directory, token);
    }

    public static Task<(int Code, string Output, string Error)> CliAsync(Handle node, params string[] args) =>
        new CliRunner(token: node.Token).RunAsync([.. args, "--data-dir", node.DataDirectory]);

    public static async Task<string> CliOkAsync(Handle node, params string[] args)
    {
        var (code, output, error) = await CliAsync(node, args);
        Assert.True(code == ExitCodes.Success, $"privacynode {string.Join(' ', args)} exited {code}: {error}{output}");
        return output;
    }

    /// <summary>Stops every node started here.</summary>
    public async Task StopAllAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }

    /// <summary>A node's data directory and the token the CLI calls it with.</summary>
    public sealed record Handle(string DataDirectory, string Token);
}
