namespace PrivacyNode.Cli.Tests;

/// <summary>Runs the CLI in-process with its own output streams and environment; a token goes in $PRIVACYNODE_TOKEN.</summary>
public sealed class CliRunner(Uri? node = null, string? token = null, IReadOnlyDictionary<string, string>? variables = null)
{
    public async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var arguments = new List<string>(args);
        if (node is not null)
        {
            arguments.AddRange(["--node", node.ToString()]);
        }

        var environment = new Dictionary<string, string>(variables ?? new Dictionary<string, string>());
        if (token is not null)
        {
            environment["PRIVACYNODE_TOKEN"] = token;
        }

        var code = await CliProgram.RunAsync([.. arguments], new CliEnvironment(output, error, environment), CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
