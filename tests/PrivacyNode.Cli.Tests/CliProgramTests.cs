using System.Text.Json;
using Grpc.Core;
using PrivacyNode.Contracts;

namespace PrivacyNode.Cli.Tests;

/// <summary>The CLI against a scripted node: what it prints, which exit code it returns, what it sends.</summary>
public sealed class CliProgramTests(FakeNode node) : IClassFixture<FakeNode>
{
    private const string Token = "pn_0123456789012345678901234567890123456789abc";

    [Fact]
    public async Task PeerList_PrintsATable()
    {
        var (code, output, _) = await RunAsync("peer", "list");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("bureau", output, StringComparison.Ordinal);
        Assert.Contains("10.0.0.2:7443", output, StringComparison.Ordinal);
        Assert.Equal("Bearer " + Token, node.LastAuthorization);
    }

    [Fact]
    public async Task PeerList_Json_IsParseable()
    {
        var (code, output, _) = await RunAsync("peer", "list", "--json");

        Assert.Equal(ExitCodes.Success, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("bureau", json.RootElement.GetProperty("peers")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Invite_PrintsJustTheLine()
    {
        var (code, output, _) = await RunAsync("invite");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Matches("^privacynode://insurer@10.0.0.1:7443\\?fp=sha256:b{64}\\s*$", output);
    }

    [Fact]
    public async Task UserAdd_PrintsTheTokenOnce()
    {
        var (code, output, _) = await RunAsync("user", "add", "li.na", "--role", "analyst");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("Created analyst 'li.na'", output, StringComparison.Ordinal);
        Assert.Single(output.Split('\n'), line => line.StartsWith("pn_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PeerCheck_Failure_ExitsOneWithTheReason()
    {
        node.CheckResult = new() { Name = "bureau", Reachable = false, Error = "Could not reach 10.0.0.2:7443: refused" };
        try
        {
            var (code, output, _) = await RunAsync("peer", "check", "bureau");

            Assert.Equal(ExitCodes.Failed, code);
            Assert.Contains("FAILED. Could not reach", output, StringComparison.Ordinal);
        }
        finally
        {
            node.CheckResult = new() { Name = "bureau", Reachable = true };
        }
    }

    [Theory]
    [InlineData(StatusCode.Unauthenticated, ExitCodes.Denied)]
    [InlineData(StatusCode.PermissionDenied, ExitCodes.Denied)]
    [InlineData(StatusCode.NotFound, ExitCodes.Failed)]
    [InlineData(StatusCode.AlreadyExists, ExitCodes.Failed)]
    [InlineData(StatusCode.InvalidArgument, ExitCodes.Failed)]
    public async Task NodeRefusal_MapsToExitCodeAndShowsTheReason(StatusCode status, int exitCode)
    {
        var cli = new CliRunner(node.Address, Token);
        node.Failure = new RpcException(new Status(status, "the node's own words"));
        try
        {
            var (code, _, error) = await cli.RunAsync("peer", "list");

            Assert.Equal(exitCode, code);
            Assert.Contains("the node's own words", error, StringComparison.Ordinal);
        }
        finally
        {
            node.Failure = null;
        }
    }

    /// <summary>Issue 16, finding 9: --token is visible to other local users; a token file (owner-only) or the environment is not.</summary>
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Finding9_TokenFromAFile_OrTheEnvironment_AndAWarningForTokenOnTheCommandLine()
    {
        var directory = Directory.CreateTempSubdirectory("pn-token-").FullName;
        try
        {
            var file = Path.Combine(directory, "token");
            await File.WriteAllTextAsync(file, Token + "\n");
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);

            var fromFile = await new CliRunner(node.Address).RunAsync("peer", "list", "--token-file", file);
            Assert.Equal((ExitCodes.Success, "Bearer " + Token), (fromFile.Code, node.LastAuthorization));
            Assert.DoesNotContain("warning", fromFile.Error, StringComparison.Ordinal);

            var fromEnvironment = await new CliRunner(node.Address, variables: new Dictionary<string, string> { ["PRIVACYNODE_TOKEN_FILE"] = file }).RunAsync("peer", "list");
            Assert.Equal((ExitCodes.Success, "Bearer " + Token), (fromEnvironment.Code, node.LastAuthorization));

            var onCommandLine = await new CliRunner(node.Address).RunAsync("peer", "list", "--token", Token);
            Assert.Equal(ExitCodes.Success, onCommandLine.Code);
            Assert.Contains("warning: --token is visible to other local users", onCommandLine.Error, StringComparison.Ordinal);

            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            var readable = await new CliRunner(node.Address).RunAsync("peer", "list", "--token-file", file);
            Assert.Equal(ExitCodes.Usage, readable.Code);
            Assert.Contains("chmod 600", readable.Error, StringComparison.Ordinal);
            var missing = await new CliRunner(node.Address).RunAsync("peer", "list", "--token-file", Path.Combine(directory, "none"));
            Assert.Equal(ExitCodes.Usage, missing.Code);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => new CliRunner(node.Address, Token).RunAsync(args);
}
