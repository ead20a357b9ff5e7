using PrivacyNode.Cli.Tests;
using PrivacyNode.Contracts;
using PrivacyNode.Node.Hosting;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>
/// Two agencies pair their nodes through the CLI's in-process entry point, exactly as operators would in two
/// shells; a third, unpaired node is refused.
/// </summary>
public sealed class CliPairingTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("pn-e2e-").FullName;
    private readonly List<NodeHost> _hosts = [];

    public async Task InitializeAsync() => await Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task TwoNodes_PairThroughTheCli_AndAStrangerIsRefused()
    {
        var insurer = await InitAndServeAsync("insurer");
        var bureau = await InitAndServeAsync("bureau");
        var stranger = await InitAndServeAsync("stranger");

        var insurerInvitation = await CliOkAsync(insurer, "invite");
        var bureauInvitation = await CliOkAsync(bureau, "invite");
        await CliOkAsync(insurer, "peer", "add", bureauInvitation.Trim());
        await CliOkAsync(bureau, "peer", "add", insurerInvitation.Trim());

        var fromInsurer = await CliOkAsync(insurer, "peer", "check", "bureau");
        var fromBureau = await CliOkAsync(bureau, "peer", "check", "insurer");
        Assert.Contains("OK, mutual TLS established", fromInsurer, StringComparison.Ordinal);
        Assert.Contains("knows this node as 'insurer'", fromInsurer, StringComparison.Ordinal);
        Assert.Contains("knows this node as 'bureau'", fromBureau, StringComparison.Ordinal);

        // The stranger pins the insurer, but the insurer never paired with it.
        await CliOkAsync(stranger, "peer", "add", insurerInvitation.Trim());
        var (code, output, _) = await CliAsync(stranger, "peer", "check", "insurer");
        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("refused this node's certificate", output, StringComparison.Ordinal);

        var peers = await CliOkAsync(insurer, "peer", "list");
        Assert.Contains("bureau", peers, StringComparison.Ordinal);
        Assert.DoesNotContain("stranger", peers, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadInput_GetsAPreciseErrorAndChangesNothing()
    {
        var insurer = await InitAndServeAsync("insurer");
        var bureau = await InitAndServeAsync("bureau");
        var invitation = (await CliOkAsync(bureau, "invite")).Trim();
        await CliOkAsync(insurer, "peer", "add", invitation);

        var duplicate = await CliAsync(insurer, "peer", "add", invitation);
        var garbage = await CliAsync(insurer, "peer", "add", "privacynode://bureau@nowhere");
        var wrongToken = await new CliRunner(token: "pn_" + new string('x', 43)).RunAsync("peer", "list", "--data-dir", insurer.DataDirectory);
        var analyst = (await CliOkAsync(insurer, "user", "add", "li.na", "--role", "analyst")).Split('\n')[1].Trim();
        var analystAddsPeer = await new CliRunner(token: analyst).RunAsync("peer", "add", invitation, "--data-dir", insurer.DataDirectory);

        Assert.Equal(ExitCodes.Failed, duplicate.Code);
        Assert.Contains("already paired", duplicate.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failed, garbage.Code);
        Assert.Contains("port", garbage.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Denied, wrongToken.Code);
        Assert.Equal(ExitCodes.Denied, analystAddsPeer.Code);
        Assert.Contains("needs role admin", analystAddsPeer.Error, StringComparison.Ordinal);
        var peers = await CliOkAsync(insurer, "peer", "list", "--json");
        Assert.Single(System.Text.Json.JsonDocument.Parse(peers).RootElement.GetProperty("peers").EnumerateArray());
    }

    private async Task<TestNodeHandle> InitAndServeAsync(string name)
    {
        var directory = Path.Combine(_root, name);
        var output = new StringWriter();
        var code = await NodeProgram.RunAsync(
            ["init", "--name", name, "--data-dir", directory, "--peer-listen", "127.0.0.1:0", "--local-listen", "127.0.0.1:0", "--json"],
            output, new StringWriter(), CancellationToken.None);
        Assert.Equal(ExitCodes.Success, code);
        var token = System.Text.Json.JsonDocument.Parse(output.ToString()).RootElement.GetProperty("adminToken").GetString()!;
        _hosts.Add(await NodeHost.StartAsync(directory, configureLogging: _ => { }));
        return new TestNodeHandle(directory, token);
    }

    private static Task<(int Code, string Output, string Error)> CliAsync(TestNodeHandle node, params string[] args) =>
        new CliRunner(token: node.Token).RunAsync([.. args, "--data-dir", node.DataDirectory]);

    private static async Task<string> CliOkAsync(TestNodeHandle node, params string[] args)
    {
        var (code, output, error) = await CliAsync(node, args);
        Assert.True(code == ExitCodes.Success, $"privacynode {string.Join(' ', args)} exited {code}: {error}{output}");
        return output;
    }

    private sealed record TestNodeHandle(string DataDirectory, string Token);
}
