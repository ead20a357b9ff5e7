using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PrivacyNode.Contracts;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>
/// A node initialized by <see cref="CliNodes.InitAsync"/> and served by its own <c>privacynode-node serve</c> process, with
/// <see cref="CliNodes.TestOverrides"/> and <paramref name="overrides"/> in its environment, so that a test can kill it (optionally at a
/// crash point, PRIVACYNODE_CRASH_AT) and start it again on the same data directory.
/// </summary>
internal sealed class NodeProcess(CliNodes.Handle handle, IEnumerable<KeyValuePair<string, string?>>? overrides = null) : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);
    private readonly StringBuilder _log = new();
    private Process? _process;
    private string? _crashAt;

    public CliNodes.Handle Handle { get; } = handle;

    public string Name => Path.GetFileName(Handle.DataDirectory);

    /// <summary>Whether the node runs with no crash point armed.</summary>
    public bool Healthy => _process is { HasExited: false } && _crashAt is null;

    /// <summary>What the process wrote to stdout and stderr, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>A loopback port free now, for a node that must keep its peer address across restarts.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Starts the node, armed to kill itself at <paramref name="crashAt"/> if given, and waits until it serves.</summary>
    public async Task StartAsync(string? crashAt = null)
    {
        Assert.Null(_process);
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "privacynode-node"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add("--data-dir");
        info.ArgumentList.Add(Handle.DataDirectory);
        foreach (var (key, value) in CliNodes.TestOverrides.Concat(overrides ?? []))
        {
            info.Environment["PRIVACYNODE_" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        info.Environment.Remove("PRIVACYNODE_CRASH_AT");
        if (crashAt is not null)
        {
            info.Environment["PRIVACYNODE_CRASH_AT"] = crashAt;
        }

        lock (_log)
        {
            _log.Clear();
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, line) => Append(line.Data);
        process.ErrorDataReceived += (_, line) => Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        _crashAt = crashAt;
        var stopwatch = Stopwatch.StartNew();
        while (NodeRuntimeInfo.TryRead(Handle.DataDirectory)?.ProcessId != process.Id)
        {
            if (process.HasExited)
            {
                Assert.Fail($"{Name} exited ({process.ExitCode}) while starting:\n{Log}");
            }

            Assert.True(stopwatch.Elapsed < StartLimit, $"{Name} did not serve within {StartLimit}:\n{Log}");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Waits for the node to kill itself at its crash point; fails if it is still running after <paramref name="limit"/>, or once
    /// <paramref name="missed"/> (polled) returns why the point can no longer be reached.
    /// </summary>
    public async Task WaitForCrashAsync(TimeSpan limit, Func<Task<string?>> missed)
    {
        var process = _process!;
        var stopwatch = Stopwatch.StartNew();
        while (!process.HasExited)
        {
            var reason = stopwatch.Elapsed > limit ? "too slow" : await missed();
            if (reason is not null && !process.WaitForExit(TimeSpan.FromSeconds(2)))
            {
                Assert.Fail($"{Name} did not reach its crash point within {stopwatch.Elapsed}: {reason}\n{Log}");
            }

            await Task.Delay(50);
        }

        Assert.True(process.ExitCode == 128 + 9, $"{Name} exited with {process.ExitCode}, not by SIGKILL:\n{Log}");
        process.Dispose();
        _process = null;
    }

    /// <summary>Sends <paramref name="process"/> SIGTERM, as an operator or systemd stops a node.</summary>
    public static async Task TerminateAsync(Process process)
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
    }

    /// <summary>Stops the node as an operator would (SIGTERM) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is { } process && !process.HasExited)
        {
            await TerminateAsync(process);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Kills the node if it runs (SIGKILL: nothing here needs a graceful stop).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill();
            }

            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    private void Append(string? line)
    {
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
