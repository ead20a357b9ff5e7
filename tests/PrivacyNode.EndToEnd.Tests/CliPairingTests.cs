using PrivacyNode.Cli.Tests;
using PrivacyNode.Contracts;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>
/// Two agencies pair their nodes through the CLI's in-process entry point, exactly as operators would in two
/// shells; a third, unpaired node is refused.
/// </summary>
public sealed class CliPairingTests : IAsyncLifetime
{
    private readonly CliNodes _nodes = new();

    public async Task InitializeAsync() => await Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.StopAllAsync();

    [Fact]
    public async Task TwoNodes_PairThroughTheCli_AndAStrangerIsRefused()
    {
        var insurer = await _nodes.InitAndServeAsync("insurer");
        var bureau = await _nodes.InitAndServeAsync("bureau");
        var stranger = await _nodes.InitAndServeAsync("stranger");

        var insurerInvitation = await CliNodes.CliOkAsync(insurer, "invite");
        var bureauInvitation = await CliNodes.CliOkAsync(bureau, "invite");
        await CliNodes.CliOkAsync(insurer, "peer", "add", bureauInvitation.Trim());
        await CliNodes.CliOkAsync(bureau, "peer", "add", insurerInvitation.Trim());

        var fromInsurer = await CliNodes.CliOkAsync(insurer, "peer", "check", "bureau");
        var fromBureau = await CliNodes.CliOkAsync(bureau, "peer", "check", "insurer");
        Assert.Contains("OK, mutual TLS established", fromInsurer, StringComparison.Ordinal);
        Assert.Contains("knows this node as 'insurer'", fromInsurer, StringComparison.Ordinal);
        Assert.Contains("knows this node as 'bureau'", fromBureau, StringComparison.Ordinal);

        // The stranger pins the insurer, but the insurer never paired with it.
        await CliNodes.CliOkAsync(stranger, "peer", "add", insurerInvitation.Trim());
        var (code, output, _) = await CliNodes.CliAsync(stranger, "peer", "check", "insurer");
        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("refused this node's certificate", output, StringComparison.Ordinal);

        var peers = await CliNodes.CliOkAsync(insurer, "peer", "list");
        Assert.Contains("bureau", peers, StringComparison.Ordinal);
        Assert.DoesNotContain("stranger", peers, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadInput_GetsAPreciseErrorAndChangesNothing()
    {
        var insurer = await _nodes.InitAndServeAsync("insurer");
        var bureau = await _nodes.InitAndServeAsync("bureau");
        var invitation = (await CliNodes.CliOkAsync(bureau, "invite")).Trim();
        await CliNodes.CliOkAsync(insurer, "peer", "add", invitation);

        var duplicate = await CliNodes.CliAsync(insurer, "peer", "add", invitation);
        var garbage = await CliNodes.CliAsync(insurer, "peer", "add", "privacynode://bureau@nowhere");
        var wrongToken = await new CliRunner(token: "pn_" + new string('x', 43)).RunAsync("peer", "list", "--data-dir", insurer.DataDirectory);
        var analyst = (await CliNodes.CliOkAsync(insurer, "user", "add", "li.na", "--role", "analyst")).Split('\n')[1].Trim();
        var analystAddsPeer = await new CliRunner(token: analyst).RunAsync("peer", "add", invitation, "--data-dir", insurer.DataDirectory);

        Assert.Equal(ExitCodes.Failed, duplicate.Code);
        Assert.Contains("already paired", duplicate.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Failed, garbage.Code);
        Assert.Contains("port", garbage.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Denied, wrongToken.Code);
        Assert.Equal(ExitCodes.Denied, analystAddsPeer.Code);
        Assert.Contains("needs role admin", analystAddsPeer.Error, StringComparison.Ordinal);
        var peers = await CliNodes.CliOkAsync(insurer, "peer", "list", "--json");
        Assert.Single(System.Text.Json.JsonDocument.Parse(peers).RootElement.GetProperty("peers").EnumerateArray());
    }
}
