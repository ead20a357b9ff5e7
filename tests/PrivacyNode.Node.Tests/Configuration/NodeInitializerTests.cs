using PrivacyNode.Node.Configuration;
using PrivacyNode.Node.Hosting;

namespace PrivacyNode.Node.Tests.Configuration;

public sealed class NodeInitializerTests
{
    private readonly string _root = Directory.CreateTempSubdirectory("pn-init-").FullName;

    [Fact]
    public async Task Initialize_NewDirectory_CreatesAUsableNode()
    {
        var path = Path.Combine(_root, "bureau");

        var result = await NodeInitializer.InitializeAsync(new NodeInitializer.Request("bureau", path), CancellationToken.None);

        var directory = new DataDirectory(path);
        directory.EnsureUsable();
        Assert.True(File.Exists(directory.DatabaseFile));
        Assert.StartsWith("sha256:", result.Fingerprint, StringComparison.Ordinal);
        Assert.StartsWith("pn_", result.AdminToken, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(directory.IdentityFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(path));
        }

        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(_root), e => Path.GetFileName(e).StartsWith('.'));
    }

    [Fact]
    public async Task Initialize_ExistingNode_IsRefusedAndUntouched()
    {
        var path = Path.Combine(_root, "bureau");
        await NodeInitializer.InitializeAsync(new NodeInitializer.Request("bureau", path), CancellationToken.None);
        var identityBefore = await File.ReadAllBytesAsync(Path.Combine(path, "identity.pem"));

        var ex = await Assert.ThrowsAsync<NodeException>(() => NodeInitializer.InitializeAsync(new NodeInitializer.Request("bureau", path), CancellationToken.None));

        Assert.Contains("already holds a node", ex.Message, StringComparison.Ordinal);
        Assert.Equal(identityBefore, await File.ReadAllBytesAsync(Path.Combine(path, "identity.pem")));
    }

    [Fact]
    public async Task Initialize_NonEmptyDirectory_IsRefused()
    {
        var path = Path.Combine(_root, "busy");
        Directory.CreateDirectory(path);
        await File.WriteAllTextAsync(Path.Combine(path, "notes.txt"), "mine");

        var ex = await Assert.ThrowsAsync<NodeException>(() => NodeInitializer.InitializeAsync(new NodeInitializer.Request("busy", path), CancellationToken.None));

        Assert.Contains("not empty", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// An empty directory made for the node (a service's, whose parent its user cannot write) is built in place: nothing is staged
    /// beside it, and it ends owner-only.
    /// </summary>
    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Initialize_EmptyDirectory_IsUsed_BuiltInsideIt()
    {
        var path = Path.Combine(_root, "empty");
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);

        await NodeInitializer.InitializeAsync(new NodeInitializer.Request("empty", path), CancellationToken.None);

        new DataDirectory(path).EnsureUsable();
        Assert.Equal(["empty"], Directory.EnumerateFileSystemEntries(_root).Select(Path.GetFileName));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(path), e => Path.GetFileName(e).StartsWith('.'));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(path));
    }

    [Theory]
    [InlineData("Bad Name", "127.0.0.1:7080", "0.0.0.0:7443", "admin", "Node name")]
    [InlineData("bureau", "10.0.0.1:7080", "0.0.0.0:7443", "admin", "loopback")]
    [InlineData("bureau", "127.0.0.1:7080", "nowhere", "admin", "PeerEndpoint:Listen")]
    [InlineData("bureau", "127.0.0.1:99999", "0.0.0.0:7443", "admin", "LocalEndpoint:Listen")]
    [InlineData("bureau", "127.0.0.1:7080", "0.0.0.0:7443", "Admin User", "User name")]
    public async Task Initialize_InvalidSettings_LeavesNothingBehind(string name, string local, string peer, string admin, string expected)
    {
        var path = Path.Combine(_root, "node");

        var ex = await Assert.ThrowsAsync<NodeException>(() =>
            NodeInitializer.InitializeAsync(new NodeInitializer.Request(name, path, PeerListen: peer, LocalListen: local, AdminName: admin), CancellationToken.None));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }
}
