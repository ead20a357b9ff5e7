using System.Diagnostics;
using PrivacyNode.Samples.FraudCheck;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>Replays samples/FraudCheck at a small size: three nodes find every planted fraud, flag nothing else, total the fund's payments right, and all audit logs verify.</summary>
public sealed class FraudCheckSampleTests
{
    [Fact]
    public async Task Scenario_FindsThePlantedFraudAndOnlyIt()
    {
        using var output = new StringWriter();

        var code = await new Scenario(output, claims: 150, seed: 7, keep: null).RunAsync(CancellationToken.None);

        var report = output.ToString();
        Assert.True(code == 0, report);
        // max(3, 150 / 50) = 3 of each kind; 15 or so of the 150 claims carry formatting noise the nodes must absorb.
        Assert.Contains("Flagged claims: 9 of 150", report, StringComparison.Ordinal);
        Assert.Contains("precision 100.0% (9 of 9", report, StringComparison.Ordinal);
        Assert.Contains("recall    100.0% (9 of 9", report, StringComparison.Ordinal);
        Assert.DoesNotContain("no settlement on record", report, StringComparison.Ordinal);
        Assert.Contains("the generator's books say", report, StringComparison.Ordinal);
        Assert.Contains("they agree", report, StringComparison.Ordinal);
        Assert.Equal(3, report.Split('\n').Count(l => l.Contains(" OK: ", StringComparison.Ordinal) && l.Contains("chain and verify", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("--claims", "5")]
    [InlineData("--claims", "many")]
    [InlineData("--seed")]
    [InlineData("--verbose")]
    public async Task BadArguments_ExitTwoWithUsage(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "FraudCheck.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("usage: FraudCheck", error, StringComparison.Ordinal);
    }
}
