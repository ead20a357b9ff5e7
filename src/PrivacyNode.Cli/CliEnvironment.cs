namespace PrivacyNode.Cli;

/// <summary>What a CLI run reads and writes besides its arguments: the output streams and environment variables.</summary>
/// <remarks>Tests pass their own, so parallel runs never share process-wide state.</remarks>
public class CliEnvironment
{
    public CliEnvironment(TextWriter? output = null, TextWriter? error = null, IReadOnlyDictionary<string, string>? variables = null)
    {
        Output = output ?? Console.Out;
        Error = error ?? Console.Error;
        Variables = variables;
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    /// <summary>Whether output goes to a terminal (colors, progress bars) rather than a file or test.</summary>
    public bool IsTerminal => ReferenceEquals(Output, Console.Out) && !Console.IsOutputRedirected;

    private IReadOnlyDictionary<string, string>? Variables { get; }

    /// <summary>An environment variable: from the given set if one was passed, else the process's.</summary>
    public string? GetVariable(string name) =>
        Variables is null ? Environment.GetEnvironmentVariable(name) : Variables.GetValueOrDefault(name);
}
