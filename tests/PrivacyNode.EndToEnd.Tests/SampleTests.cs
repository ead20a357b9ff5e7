using System.Diagnostics;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>Every sample runs to completion, as a new user would run it.</summary>
public sealed class SampleTests
{
    [Fact]
    public async Task TwoAgencyPairing_RunsToCompletion()
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(RepositoryLayout.Root, "samples", "two-agency-pairing.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["PRIVACYNODE_CLI"] = Path.Combine(AppContext.BaseDirectory, "privacynode");
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, await output + await error);
        Assert.Contains("OK, mutual TLS established", await output, StringComparison.Ordinal);
        Assert.Contains("refused this node's certificate", await output, StringComparison.Ordinal);
        Assert.Contains("== Done", await output, StringComparison.Ordinal);
    }
}
