using System.Diagnostics;
using PrivacyNode.Contracts;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Configuration;
using PrivacyNode.Node.Identity;

namespace PrivacyNode.Node.Hosting;

/// <summary>The node's two private key files, <c>identity.pem</c> and <c>audit-key.pem</c>, handled together.</summary>
public static class KeyFiles
{
    /// <summary>
    /// Re-encrypts both keys: opened with <paramref name="current"/>, saved with <paramref name="next"/> (unencrypted when it is not set).
    /// Each file is replaced atomically, the identity last, so an interruption leaves keys that one of the two passphrases opens.
    /// </summary>
    /// <exception cref="NodeException">The directory is not a node's, its node is running, or <paramref name="current"/> does not open the keys.</exception>
    public static void Protect(DataDirectory directory, KeyPassphrase current, KeyPassphrase next)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(next);
        directory.EnsureUsable();
        if (NodeRuntimeInfo.TryRead(directory.Path) is { } running && IsAlive(running.ProcessId))
        {
            throw new NodeException($"The node in {directory.Path} is running (process {running.ProcessId}); stop it before changing how its keys are kept.");
        }

        if (next.IsSet && next.Characters.Length < KeyPassphrase.MinimumLength)
        {
            throw new NodeException($"The new passphrase has {next.Characters.Length} characters; a key passphrase needs at least {KeyPassphrase.MinimumLength}.");
        }

        using var identity = NodeIdentity.Load(directory.IdentityFile, current);
        using var auditKey = AuditKey.Load(directory.AuditKeyFile, current);
        AuditKey.Save(auditKey, directory.AuditKeyFile, next);
        NodeIdentity.Save(identity.Certificate, directory.IdentityFile, next);
    }

    private static bool IsAlive(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
