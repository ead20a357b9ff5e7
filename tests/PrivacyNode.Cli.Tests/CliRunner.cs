namespace PrivacyNode.Cli.Tests;

/// <summary>Runs the CLI in-process with its own output streams and environment.</summary>
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

        if (token is not null)
        {
            arguments.AddRange(["--token", token]);
        }

        var code = await CliProgram.RunAsync([.. arguments], new CliEnvironment(output, error, variables ?? new Dictionary<string, string>()), CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
