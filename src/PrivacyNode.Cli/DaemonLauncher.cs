using System.Diagnostics;
using System.Runtime.InteropServices;
using PrivacyNode.Contracts;

namespace PrivacyNode.Cli;

/// <summary>
/// Runs the node daemon, <c>privacynode-node</c>, for <c>privacynode init</c> and <c>privacynode serve</c>.
/// It is looked up beside this executable (where the build and publish put it), or at PRIVACYNODE_NODE_EXE.
/// SIGTERM sent to the CLI is passed on; Ctrl+C reaches the daemon directly through the terminal.
/// </summary>
internal static class DaemonLauncher
{
    private const string DaemonName = "privacynode-node";

    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var info = StartInfo(environment);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var redirect = !environment.IsTerminal;
        info.RedirectStandardOutput = redirect;
        info.RedirectStandardError = redirect;
        using var process = Process.Start(info) ?? throw new CliException(ExitCodes.Failed, $"Could not start {info.FileName}.");
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            SendTerminate(process);
        });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true);
        var copies = redirect
            ? new[] { CopyAsync(process.StandardOutput, environment.Output), CopyAsync(process.StandardError, environment.Error) }
            : [];
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            SendTerminate(process);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        await Task.WhenAll(copies);
        return process.ExitCode;
    }

    private static ProcessStartInfo StartInfo(CliEnvironment environment)
    {
        var configured = environment.GetVariable("PRIVACYNODE_NODE_EXE");
        var candidates = configured is { Length: > 0 }
            ? [configured]
            : new[] { Path.Combine(AppContext.BaseDirectory, DaemonName), Path.Combine(AppContext.BaseDirectory, DaemonName + ".exe"), Path.Combine(AppContext.BaseDirectory, DaemonName + ".dll") };
        foreach (var candidate in candidates.Where(File.Exists))
        {
            if (candidate.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            {
                var info = new ProcessStartInfo(DotnetHost()) { UseShellExecute = false };
                info.ArgumentList.Add(candidate);
                return info;
            }

            return new ProcessStartInfo(candidate) { UseShellExecute = false };
        }

        throw new CliException(ExitCodes.Configuration,
            $"Cannot find {DaemonName} (looked for {string.Join(", ", candidates)}). Build the solution (dotnet build), or set PRIVACYNODE_NODE_EXE to its path.");
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    private static void SendTerminate(Process process)
    {
        if (process.HasExited)
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            process.Kill(entireProcessTree: true);
            return;
        }

        // .NET can only SIGKILL a process; /bin/kill delivers SIGTERM so the daemon shuts down gracefully.
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
        kill?.WaitForExit(5_000);
    }

    private static async Task CopyAsync(StreamReader source, TextWriter destination)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await source.ReadAsync(buffer)) > 0)
        {
            await destination.WriteAsync(buffer.AsMemory(0, read));
        }
    }
}
