using PrivacyNode.Contracts;

namespace PrivacyNode.Cli.Tests;

/// <summary>Mistakes on the command line and in finding the node: a precise message and exit code, no stack trace.</summary>
public sealed class CliUsageTests
{
    [Theory]
    [InlineData("frobnicate")]
    [InlineData("peer", "add")]
    [InlineData("peer", "check")]
    [InlineData("user", "add", "li.na")]
    [InlineData("user", "add", "li.na", "--role", "wizard")]
    [InlineData("peer", "list", "--bogus")]
    [InlineData("job", "submit", "--kind", "psi", "--node", "http://127.0.0.1:1")]
    [InlineData("job", "submit", "--kind", "psi", "--grant", "grt-1", "--part", "grt-2:v", "--node", "http://127.0.0.1:1")]
    [InlineData("job", "submit", "--kind", "he-aggregate", "--grant", "grt-1", "--node", "http://127.0.0.1:1")]
    [InlineData("job", "submit", "--kind", "psi", "--grant", "grt-1", "--threshold", "--node", "http://127.0.0.1:1")]
    [InlineData("job", "submit", "--kind", "he-aggregate", "--part", "grt-1", "--node", "http://127.0.0.1:1")]
    [InlineData("job", "submit", "--kind", "he-aggregate", "--part", "grt-1:a,b,c", "--node", "http://127.0.0.1:1")]
    [InlineData("job", "submit", "--kind", "he-aggregate", "--part", "grt-1:v,g", "--groups-file", "/nonexistent/groups.txt", "--node", "http://127.0.0.1:1")]
    [InlineData("job", "submit", "--kind", "he-aggregate", "--part", "grt-1:v,g", "--groups-file", "/etc/hostname", "--groups", "a", "--node", "http://127.0.0.1:1")]
    public async Task InvalidCommandLine_IsUsageError(params string[] args)
    {
        var (code, _, error) = await new CliRunner().RunAsync(args);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("error:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidNodeAddress_IsUsageError()
    {
        var (code, _, error) = await new CliRunner().RunAsync("peer", "list", "--node", "ftp://somewhere");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--node", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataDirWithoutRunningNode_SaysHowToStartIt()
    {
        var empty = Directory.CreateTempSubdirectory("pn-cli-").FullName;

        var (code, _, error) = await new CliRunner().RunAsync("peer", "list", "--data-dir", empty);

        Assert.Equal(ExitCodes.Unavailable, code);
        Assert.Contains("privacynode serve --data-dir", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataDirOfRunningNode_FindsItsLocalEndpoint()
    {
        var directory = Directory.CreateTempSubdirectory("pn-cli-").FullName;
        new NodeRuntimeInfo("http://127.0.0.1:1", "127.0.0.1:2", 1).Write(directory);

        var (code, _, error) = await new CliRunner().RunAsync("peer", "list", "--data-dir", directory);

        Assert.Equal(ExitCodes.Unavailable, code);
        Assert.Contains("http://127.0.0.1:1/", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableNode_IsUnavailable()
    {
        var (code, _, error) = await new CliRunner(new Uri("http://127.0.0.1:1")).RunAsync("peer", "list");

        Assert.Equal(ExitCodes.Unavailable, code);
        Assert.Contains("Is it running?", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeFromEnvironment_IsUsed()
    {
        var variables = new Dictionary<string, string> { ["PRIVACYNODE_NODE"] = "http://127.0.0.1:1" };

        var (_, _, error) = await new CliRunner(variables: variables).RunAsync("peer", "list");

        Assert.Contains("http://127.0.0.1:1/", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_DaemonMissing_IsConfigurationError()
    {
        var variables = new Dictionary<string, string> { ["PRIVACYNODE_NODE_EXE"] = "/nonexistent/privacynode-node" };

        var (code, _, error) = await new CliRunner(variables: variables).RunAsync("init", "--name", "x", "--data-dir", "/tmp/never");

        Assert.Equal(ExitCodes.Configuration, code);
        Assert.Contains("Cannot find privacynode-node", error, StringComparison.Ordinal);
    }
}
