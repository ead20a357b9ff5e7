namespace PrivacyNode.Node.Configuration;

/// <summary>
/// The passphrase that encrypts the node's private keys at rest (<c>identity.pem</c> and <c>audit-key.pem</c>, as encrypted
/// PKCS#8), or none. It is read from a file an operator names (<c>--passphrase-file</c>) or from the systemd credential
/// <see cref="CredentialName"/>; the text is the file's first line. Held as characters that are zeroed on dispose.
/// </summary>
public sealed class KeyPassphrase : IDisposable
{
    /// <summary>The systemd credential the node reads when no file is named (<c>LoadCredential=privacynode-passphrase:…</c>).</summary>
    public const string CredentialName = "privacynode-passphrase";

    /// <summary>The shortest passphrase <c>init</c> accepts: shorter ones fall to a guessing attack on a stolen disk.</summary>
    public const int MinimumLength = 12;

    private readonly char[]? _characters;

    private KeyPassphrase(char[]? characters) => _characters = characters;

    /// <summary>No passphrase: keys are kept unencrypted (readable only by the node's user).</summary>
    public static KeyPassphrase None { get; } = new(null);

    public bool IsSet => _characters is not null;

    /// <summary>The passphrase; empty when none is set.</summary>
    public ReadOnlySpan<char> Characters => _characters;

    /// <summary>The passphrase in <paramref name="file"/>; else the systemd credential under <paramref name="credentialsDirectory"/>
    /// (<c>$CREDENTIALS_DIRECTORY</c>) if it holds one; else <see cref="None"/>.</summary>
    /// <exception cref="NodeException">The file cannot be read or its first line is empty.</exception>
    public static KeyPassphrase Read(string? file, string? credentialsDirectory)
    {
        if (string.IsNullOrEmpty(file))
        {
            var credential = string.IsNullOrEmpty(credentialsDirectory) ? null : Path.Combine(credentialsDirectory, CredentialName);
            if (credential is null || !File.Exists(credential))
            {
                return None;
            }

            file = credential;
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new NodeException($"Cannot read the passphrase file '{file}': {ex.Message}", ex);
        }

        var characters = System.Text.Encoding.UTF8.GetChars(bytes);
        try
        {
            var line = characters.AsSpan();
            var end = line.IndexOfAny('\r', '\n');
            line = end < 0 ? line : line[..end];
            return line.IsEmpty
                ? throw new NodeException($"The passphrase file '{file}' is empty; its first line is the passphrase.")
                : new KeyPassphrase(line.ToArray());
        }
        finally
        {
            Array.Clear(characters);
            Array.Clear(bytes);
        }
    }

    /// <summary>How keys are encrypted: PBES2 with PBKDF2-HMAC-SHA256 (600,000 iterations, OWASP's figure for 2023) and AES-256-CBC.</summary>
    public static System.Security.Cryptography.PbeParameters Encryption { get; } =
        new(System.Security.Cryptography.PbeEncryptionAlgorithm.Aes256Cbc, System.Security.Cryptography.HashAlgorithmName.SHA256, 600_000);

    /// <summary>The error for a key file kept unencrypted when a passphrase was given: the operator expects encrypted keys.</summary>
    public static NodeException NotEncrypted(string path) =>
        new($"A passphrase was given but '{path}' is not encrypted. Encrypt them first, with the node stopped: privacynode protect-keys --data-dir DIR --new-passphrase-file FILE.");

    /// <summary>The error for a key file that <paramref name="passphrase"/> cannot open, or that needs one and none was given.</summary>
    public static NodeException Refused(string path, KeyPassphrase passphrase, Exception? cause = null)
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        var message = passphrase.IsSet
            ? $"The passphrase does not open '{path}': it is not the passphrase the keys were encrypted with."
            : $"'{path}' is encrypted: give its passphrase with --passphrase-file FILE or the systemd credential {CredentialName}.";
        return cause is null ? new NodeException(message) : new NodeException(message, cause);
    }

    public void Dispose()
    {
        if (_characters is not null)
        {
            Array.Clear(_characters);
        }
    }
}
