using System.Diagnostics;
using System.Text.Json;
using PrivacyNode.Contracts;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>
/// Issue 21, install: the self-contained x64 package builds (packaging/build.sh), install.sh lays it out under a staging root, and the
/// installed build creates and runs a node, reports its version and commit, and runs a job.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[Collection(BuildingTests.Name)]
public sealed class PackageTests
{
    [Fact]
    public async Task Package_InstallsAndRunsANode()
    {
        var root = Directory.CreateTempSubdirectory("pn-package-").FullName;
        var built = (await RunAsync("bash", [Path.Combine(RepositoryLayout.Root, "packaging", "build.sh"), "x64"], TimeSpan.FromMinutes(10))).Trim().Split('\n')[^1];
        var unpacked = Path.Combine(root, "unpacked");
        Directory.CreateDirectory(unpacked);
        await RunAsync("tar", ["-xzf", built, "-C", unpacked], TimeSpan.FromMinutes(2));
        var package = Directory.GetDirectories(unpacked).Single();
        var staging = Path.Combine(root, "staging");

        await RunAsync("bash", [Path.Combine(package, "install.sh")], TimeSpan.FromMinutes(2), ("DESTDIR", staging));

        var version = (await RunAsync(Path.Combine(package, "privacynode"), ["--version"], TimeSpan.FromMinutes(1))).Trim();
        var release = version.Split('+')[0];
        var installed = Path.Combine(staging, "opt", "privacynode");
        Assert.Equal("privacynode-" + release, new FileInfo(installed).LinkTarget);
        Assert.True(File.Exists(Path.Combine(installed, "privacynode-node")));
        Assert.True(File.Exists(Path.Combine(staging, "etc", "systemd", "system", "privacynode.service")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(staging, "var", "lib", "privacynode")));
        Assert.Matches("^[0-9]+\\.[0-9]+\\.[0-9]+\\+[0-9a-f]{40}$", version);

        // The installed build, with no .NET of the machine's: a node created and served by it describes itself.
        var cli = Path.Combine(installed, "privacynode");
        var data = Path.Combine(root, "node");
        var init = await RunAsync(cli, ["init", "--name", "packaged", "--data-dir", data, "--peer-listen", "127.0.0.1:0", "--local-listen", "127.0.0.1:0", "--json"], TimeSpan.FromMinutes(1), ("DOTNET_ROOT", "/nonexistent"));
        var token = JsonDocument.Parse(init).RootElement.GetProperty("adminToken").GetString()!;
        var info = new ProcessStartInfo(Path.Combine(installed, "privacynode-node"), ["serve", "--data-dir", data]) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["DOTNET_ROOT"] = "/nonexistent";
        using var serve = Process.Start(info)!;
        try
        {
            var started = Stopwatch.StartNew();
            while (NodeRuntimeInfo.TryRead(data) is null)
            {
                if (serve.HasExited)
                {
                    Assert.Fail($"the packaged node exited {serve.ExitCode}: {await serve.StandardError.ReadToEndAsync()}");
                }

                Assert.True(started.Elapsed < TimeSpan.FromSeconds(60), "the packaged node did not start within 60 s");
                await Task.Delay(100);
            }

            var described = await RunAsync(cli, ["node", "info", "--data-dir", data], TimeSpan.FromMinutes(1), ("PRIVACYNODE_TOKEN", token));
            Assert.Contains($"{release} ({version.Split('+')[1][..12]})", described, StringComparison.Ordinal);

            // The installed CLI (native code on x64) through a whole job: pairing, users, datasets, a request and its approval, a psi job
            // and its result, each printed as a table or as JSON.
            var job = await RunAsync("bash", [Path.Combine(RepositoryLayout.Root, "benchmarks", "psi-e2e.sh"), "2000", "psi"], TimeSpan.FromMinutes(3), ("PRIVACYNODE_CLI", cli));
            Assert.Contains(" intersection_size=1000 ", job, StringComparison.Ordinal);
        }
        finally
        {
            await NodeProcess.TerminateAsync(serve);
            await serve.WaitForExitAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<string> RunAsync(string file, string[] args, TimeSpan limit, params (string Name, string Value)[] environment)
    {
        var info = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{await output}{await error}");
        return await output;
    }
}
