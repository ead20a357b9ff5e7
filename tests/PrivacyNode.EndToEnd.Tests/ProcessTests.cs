using System.Diagnostics;
using PrivacyNode.Contracts;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>The shipped executables as an operator runs them: privacynode init and serve, stopped with SIGTERM.</summary>
public sealed class ProcessTests
{
    private static string Cli => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "privacynode.exe" : "privacynode");

    [Fact]
    public async Task InitServeAndSigterm_ShutsDownGracefully()
    {
        var directory = Path.Combine(Directory.CreateTempSubdirectory("pn-proc-").FullName, "insurer");
        var init = await RunToEndAsync(["init", "--name", "insurer", "--data-dir", directory, "--peer-listen", "127.0.0.1:0", "--local-listen", "127.0.0.1:0"]);
        Assert.True(init.ExitCode == ExitCodes.Success, init.Output);
        Assert.Contains("admin token   pn_", init.Output, StringComparison.Ordinal);

        using var serve = Start(["serve", "--data-dir", directory]);
        var runtime = await WaitForAsync(() => NodeRuntimeInfo.TryRead(directory), TimeSpan.FromSeconds(30));
        Assert.NotNull(runtime);

        await NodeProcess.TerminateAsync(serve);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await serve.WaitForExitAsync(timeout.Token);
        Assert.Equal(ExitCodes.Success, serve.ExitCode);
        Assert.Null(NodeRuntimeInfo.TryRead(directory));
        var log = await serve.StandardOutput.ReadToEndAsync();
        Assert.Contains("is shutting down", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_ForeignDirectory_ExitsWithConfigurationError()
    {
        var directory = Directory.CreateTempSubdirectory("pn-proc-").FullName;

        var result = await RunToEndAsync(["serve", "--data-dir", directory]);

        Assert.Equal(ExitCodes.Configuration, result.ExitCode);
        Assert.Contains("not a PrivacyNode data directory", result.Output, StringComparison.Ordinal);
    }

    private static Process Start(string[] arguments)
    {
        var info = new ProcessStartInfo(Cli) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info)!;
    }

    private static async Task<(int ExitCode, string Output)> RunToEndAsync(string[] arguments)
    {
        using var process = Start(arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    private static async Task<T?> WaitForAsync<T>(Func<T?> probe, TimeSpan limit)
        where T : class
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < limit)
        {
            if (probe() is { } value)
            {
                return value;
            }

            await Task.Delay(50);
        }

        return null;
    }
}
