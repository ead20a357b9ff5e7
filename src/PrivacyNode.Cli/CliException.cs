namespace PrivacyNode.Cli;

/// <summary>A failure to report to the user as a message (no stack trace) with a specific exit code.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
