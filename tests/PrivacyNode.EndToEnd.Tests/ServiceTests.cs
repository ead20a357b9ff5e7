using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using PrivacyNode.Contracts;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>Issue 21, the service: the shipped systemd unit is valid, and the daemon speaks systemd's notify protocol (Type=notify).</summary>
public sealed class ServiceTests
{
    private static string Daemon => Path.Combine(AppContext.BaseDirectory, "privacynode-node");

    [Fact]
    public async Task UnitFile_PassesSystemdAnalyzeVerify()
    {
        var unit = await File.ReadAllTextAsync(Path.Combine(RepositoryLayout.Root, "packaging", "systemd", "privacynode.service"));
        Assert.Contains("ExecStart=/opt/privacynode/privacynode-node serve", unit, StringComparison.Ordinal);
        // verify checks that ExecStart names an executable: here, the one the tests were built with.
        var path = Path.Combine(Directory.CreateTempSubdirectory("pn-unit-").FullName, "privacynode.service");
        await File.WriteAllTextAsync(path, unit.Replace("/opt/privacynode/privacynode-node", Daemon, StringComparison.Ordinal));

        using var verify = Process.Start(new ProcessStartInfo("systemd-analyze", ["verify", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await verify.StandardOutput.ReadToEndAsync() + await verify.StandardError.ReadToEndAsync();
        await verify.WaitForExitAsync();

        // systemd-analyze exits 0 on unknown keys and bad values too, warning about them: any output is a finding.
        Assert.True(verify.ExitCode == 0 && output.Length == 0, $"systemd-analyze verify exited {verify.ExitCode}:\n{output}");
    }

    [Fact]
    public async Task Serve_WithANotifySocket_ReportsReadyOnceServing_AndStoppingOnSigterm()
    {
        var nodes = new CliNodes();
        var node = await nodes.InitAsync("bureau");
        var socketPath = Path.Combine(nodes.Root, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        var info = new ProcessStartInfo(Daemon, ["serve", "--data-dir", node.DataDirectory]) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["NOTIFY_SOCKET"] = socketPath;
        using var serve = Process.Start(info)!;
        try
        {
            Assert.Equal("READY=1", await ReceiveAsync(notify));
            Assert.NotNull(NodeRuntimeInfo.TryRead(node.DataDirectory));

            await NodeProcess.TerminateAsync(serve);

            Assert.Equal("STOPPING=1", await ReceiveAsync(notify));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await serve.WaitForExitAsync(timeout.Token);
            Assert.Equal(ExitCodes.Success, serve.ExitCode);
        }
        finally
        {
            if (!serve.HasExited)
            {
                serve.Kill();
            }

            await nodes.StopAllAsync();
        }
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, received).Trim();
    }
}
