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
        // The CLI as built, with the daemon beside it: the test's own directory resolves packages for an ASP.NET Core app instead.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Name;
        info.Environment["PRIVACYNODE_CLI"] = Path.Combine(RepositoryLayout.Root, "artifacts", "bin", "PrivacyNode.Cli", configuration, "privacynode");
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
