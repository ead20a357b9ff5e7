using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Configuration;
using PrivacyNode.Node.Hosting;
using PrivacyNode.Node.Identity;

namespace PrivacyNode.Node.Tests.Configuration;

/// <summary>
/// Private keys encrypted at rest with an operator's passphrase: init writes them encrypted, a node starts only with that passphrase
/// (from a file or the systemd credential), rotation keeps them encrypted, and protect-keys encrypts, changes or removes it.
/// </summary>
public sealed class KeysAtRestTests : IDisposable
{
    private const string Secret = "correct horse battery staple";
    private readonly string _root = Directory.CreateTempSubdirectory("pn-keys-").FullName;
    private readonly KeyPassphrase _passphrase;
    private readonly KeyPassphrase _wrong;

    public KeysAtRestTests()
    {
        _passphrase = Passphrase("right", Secret);
        _wrong = Passphrase("wrong", "not the passphrase at all");
    }

    [Fact]
    public async Task Init_WithPassphrase_WritesNeitherKeyInTheClear()
    {
        var path = await InitAsync(_passphrase);

        foreach (var file in new[] { "identity.pem", "audit-key.pem" })
        {
            var text = await File.ReadAllTextAsync(Path.Combine(path, file));
            Assert.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", text, StringComparison.Ordinal);
            Assert.DoesNotContain("-----BEGIN PRIVATE KEY-----", text, StringComparison.Ordinal);
            Assert.DoesNotContain("AUDIT KEY-----", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Start_WithoutOrWithAWrongPassphrase_IsRefusedClearly_AndWithItServes()
    {
        var path = await InitAsync(_passphrase);

        var missing = await Assert.ThrowsAsync<NodeException>(() => NodeHost.StartAsync(path, configureLogging: _ => { }));
        var wrong = await Assert.ThrowsAsync<NodeException>(() => NodeHost.StartAsync(path, configureLogging: _ => { }, passphrase: _wrong));
        await using (var host = await NodeHost.StartAsync(path, configureLogging: _ => { }, passphrase: _passphrase))
        {
            Assert.Equal("keys", host.Self.Name);
        }

        Assert.Contains("is encrypted: give its passphrase", missing.Message, StringComparison.Ordinal);
        Assert.Contains(KeyPassphrase.CredentialName, missing.Message, StringComparison.Ordinal);
        Assert.Contains("The passphrase does not open", wrong.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_WrongPassphrase_ExitsWithTheConfigurationCode()
    {
        var path = await InitAsync(_passphrase);
        using var error = new StringWriter();

        var code = await NodeProgram.RunAsync(["serve", "--data-dir", path, "--passphrase-file", Path.Combine(_root, "wrong")], TextWriter.Null, error, CancellationToken.None);

        Assert.Equal(Contracts.ExitCodes.Configuration, code);
        Assert.Contains("The passphrase does not open", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TakesTheFirstLine_OrTheSystemdCredential_AndRefusesAnEmptyFile()
    {
        var credentials = Directory.CreateDirectory(Path.Combine(_root, "credentials")).FullName;
        File.WriteAllText(Path.Combine(credentials, KeyPassphrase.CredentialName), "from systemd\nignored\n");
        File.WriteAllText(Path.Combine(_root, "empty"), "\n");

        using var fromCredential = KeyPassphrase.Read(null, credentials);
        using var fromFile = KeyPassphrase.Read(Path.Combine(_root, "right"), credentials);
        using var none = KeyPassphrase.Read(null, Path.Combine(_root, "no-credentials"));
        var empty = Assert.Throws<NodeException>(() => KeyPassphrase.Read(Path.Combine(_root, "empty"), null));

        Assert.Equal("from systemd", new string(fromCredential.Characters));
        Assert.Equal(Secret, new string(fromFile.Characters));
        Assert.False(none.IsSet);
        Assert.Contains("is empty", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_ShortPassphrase_IsRefusedAndLeavesNothing()
    {
        using var shortOne = Passphrase("short", "hunter2");
        var path = Path.Combine(_root, "keys");

        var ex = await Assert.ThrowsAsync<NodeException>(() => NodeInitializer.InitializeAsync(new NodeInitializer.Request("keys", path, "127.0.0.1:0", null, "127.0.0.1:0", Passphrase: shortOne), CancellationToken.None));

        Assert.Contains($"at least {KeyPassphrase.MinimumLength}", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(path));
    }

    [Fact]
    public async Task Rotation_KeepsTheIdentityEncrypted()
    {
        var path = await InitAsync(_passphrase);
        var file = Path.Combine(path, "identity.pem");
        using var identity = NodeIdentity.Load(file, _passphrase);
        using var next = NodeIdentity.CreateCertificate("keys");

        identity.Replace(next);

        Assert.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        using var reloaded = NodeIdentity.Load(file, _passphrase);
        Assert.Equal(next.GetCertHashString(), reloaded.Certificate.GetCertHashString());
    }

    [Fact]
    public async Task ProtectKeys_EncryptsChangesAndRemoves_KeepingBothKeys()
    {
        var path = await InitAsync(KeyPassphrase.None);
        var directory = new DataDirectory(path);
        var (certificate, auditPublicKey) = Keys(directory, KeyPassphrase.None);

        KeyFiles.Protect(directory, KeyPassphrase.None, _passphrase);
        Assert.Throws<NodeException>(() => Keys(directory, KeyPassphrase.None));
        Assert.Equal((certificate, auditPublicKey), Keys(directory, _passphrase));

        KeyFiles.Protect(directory, _passphrase, _wrong);
        Assert.Throws<NodeException>(() => Keys(directory, _passphrase));
        Assert.Equal((certificate, auditPublicKey), Keys(directory, _wrong));

        var refused = Assert.Throws<NodeException>(() => KeyFiles.Protect(directory, _passphrase, KeyPassphrase.None));
        Assert.Contains("The passphrase does not open", refused.Message, StringComparison.Ordinal);
        KeyFiles.Protect(directory, _wrong, KeyPassphrase.None);
        Assert.Equal((certificate, auditPublicKey), Keys(directory, KeyPassphrase.None));
    }

    [Fact]
    public async Task Start_PassphraseForUnencryptedKeys_IsRefused()
    {
        var path = await InitAsync(KeyPassphrase.None);

        var ex = await Assert.ThrowsAsync<NodeException>(() => NodeHost.StartAsync(path, configureLogging: _ => { }, passphrase: _passphrase));

        Assert.Contains("is not encrypted", ex.Message, StringComparison.Ordinal);
        Assert.Contains("protect-keys", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _passphrase.Dispose();
        _wrong.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private static (string Certificate, string AuditPublicKey) Keys(DataDirectory directory, KeyPassphrase passphrase)
    {
        using var identity = NodeIdentity.Load(directory.IdentityFile, passphrase);
        using var auditKey = AuditKey.Load(directory.AuditKeyFile, passphrase);
        return (identity.Certificate.GetCertHashString(), Convert.ToHexString(auditKey.PublicKey));
    }

    private KeyPassphrase Passphrase(string file, string text)
    {
        var path = Path.Combine(_root, file);
        File.WriteAllText(path, text + "\n");
        return KeyPassphrase.Read(path, null);
    }

    private async Task<string> InitAsync(KeyPassphrase passphrase)
    {
        var path = Path.Combine(_root, "keys");
        await NodeInitializer.InitializeAsync(new NodeInitializer.Request("keys", path, "127.0.0.1:0", null, "127.0.0.1:0", Passphrase: passphrase), CancellationToken.None);
        return path;
    }
}
