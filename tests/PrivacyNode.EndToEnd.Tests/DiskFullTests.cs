using System.Diagnostics;
using PrivacyNode.Contracts;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>
/// Issue 20, faults: the disk under the data directory fills up (a small tmpfs mounted for the test, so it needs root, as .ci/run
/// has). Writes are refused with a clear error and change nothing, the node keeps serving, the audit log loses and tears nothing,
/// and writes work again once space returns.
/// </summary>
public sealed class DiskFullTests
{
    [Fact]
    public async Task FullDisk_RefusesWritesClearly_LosesNothing_AndRecovers()
    {
        var mount = Directory.CreateTempSubdirectory("pn-tmpfs-").FullName;
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", mount);
        var nodes = new CliNodes(Path.Combine(mount, "nodes"));
        try
        {
            var node = await nodes.InitAndServeAsync("bureau");
            await CliNodes.CliOkAsync(node, "user", "add", "before.full", "--role", "analyst");
            var filler = Path.Combine(mount, "filler");
            Fill(filler);

            var (code, _, error) = await CliNodes.CliAsync(node, "user", "add", "during.full", "--role", "analyst");
            Assert.NotEqual(ExitCodes.Success, code);
            Assert.Contains("storage is full", error, StringComparison.Ordinal);
            Assert.Contains("before.full", await CliNodes.CliOkAsync(node, "user", "list"), StringComparison.Ordinal);

            File.Delete(filler);
            await CliNodes.CliOkAsync(node, "user", "add", "during.full", "--role", "analyst");
            var auditor = await CliNodes.AddUserAsync(node, "after.full", "auditor");
            var (_, records) = await CliNodes.AuditExportAsync(auditor);
            var added = records.Where(r => r.GetProperty("action").GetString() == "user.add")
                .Select(r => CliNodes.AuditDetail(r, "user")).ToList();
            Assert.Equal(1, added.Count(u => u == "during.full"));
            Assert.Contains("before.full", added);
        }
        finally
        {
            await nodes.StopAllAsync();
            await RunAsync("umount", mount);
            Directory.Delete(mount);
        }
    }

    /// <summary>Writes <paramref name="path"/> until the file system has no byte left.</summary>
    private static void Fill(string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        var block = new byte[64 * 1024];
        foreach (var size in new[] { block.Length, 4096, 512, 1 })
        {
            try
            {
                while (true)
                {
                    file.Write(block, 0, size);
                }
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error} The disk-full test mounts a tmpfs and needs root.");
    }
}
