namespace PrivacyNode.Cli;

/// <summary>
/// Where the CLI takes the bearer token from, in order: <c>--token</c> (with a warning: the process list shows it to other local
/// users), <c>--token-file</c>, <c>$PRIVACYNODE_TOKEN</c>, <c>$PRIVACYNODE_TOKEN_FILE</c>. A token file must be readable by its owner
/// only, as an SSH key must.
/// </summary>
internal static class TokenSource
{
    /// <summary>The token, or null when none is given.</summary>
    /// <exception cref="CliException">A token file cannot be read, is empty, or can be read by other users.</exception>
    public static string? Resolve(string? token, string? tokenFile, CliEnvironment environment)
    {
        if (!string.IsNullOrEmpty(token))
        {
            environment.Error.WriteLine("warning: --token is visible to other local users in the process list; use --token-file or $PRIVACYNODE_TOKEN_FILE.");
            return token;
        }

        if (!string.IsNullOrEmpty(tokenFile))
        {
            return Read(tokenFile, "--token-file");
        }

        if (environment.GetVariable("PRIVACYNODE_TOKEN") is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }

        return environment.GetVariable("PRIVACYNODE_TOKEN_FILE") is { Length: > 0 } file ? Read(file, "$PRIVACYNODE_TOKEN_FILE") : null;
    }

    private static string Read(string path, string source)
    {
        string text;
        try
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            {
                throw new CliException(Contracts.ExitCodes.Usage, $"The token file named by {source} can be read or written by other users; make it owner-only (chmod 600).");
            }

            text = File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException(Contracts.ExitCodes.Usage, $"Cannot read the token file named by {source}: {ex.Message}");
        }

        return text.Length > 0 ? text : throw new CliException(Contracts.ExitCodes.Usage, $"The token file named by {source} is empty.");
    }
}
