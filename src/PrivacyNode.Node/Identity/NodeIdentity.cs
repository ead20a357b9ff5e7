using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PrivacyNode.Node.Configuration;
using PrivacyNode.PinnedTls;

namespace PrivacyNode.Node.Identity;

/// <summary>
/// The node's key pair and self-signed certificate, kept as one PEM file (certificate and PKCS#8 key, encrypted when the
/// node has a <see cref="KeyPassphrase"/>) in the data directory with owner-only permissions. The same certificate serves
/// the peer endpoint and authenticates the node when it calls peers. Replaced atomically on rotation.
/// </summary>
/// <remarks>Thread-safe: readers always see a complete certificate.</remarks>
public sealed class NodeIdentity : IDisposable
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(3650);
    private readonly string _path;
    private readonly KeyPassphrase _passphrase;
    private X509Certificate2 _certificate;

    private NodeIdentity(string path, KeyPassphrase passphrase, X509Certificate2 certificate)
    {
        _path = path;
        _passphrase = passphrase;
        _certificate = certificate;
    }

    /// <summary>The current certificate with its private key.</summary>
    public X509Certificate2 Certificate => Volatile.Read(ref _certificate);

    /// <summary>The current fingerprint, <c>sha256:&lt;hex&gt;</c>.</summary>
    public string Fingerprint => Identity.Fingerprint.Of(Certificate);

    /// <summary>Creates a new key and certificate for <paramref name="name"/> (not yet saved).</summary>
    public static X509Certificate2 CreateCertificate(string name)
    {
        // DNS name "localhost" and IP 127.0.0.1 let standard gRPC clients (which check names) connect with a name override.
        return SelfSignedCertificate.Create(name, [name, "localhost"], [IPAddress.Loopback, IPAddress.IPv6Loopback], Validity);
    }

    /// <summary>Writes <paramref name="certificate"/> and its key, encrypted with <paramref name="passphrase"/> if it is set, to
    /// <paramref name="path"/>, replacing any file there atomically.</summary>
    public static void Save(X509Certificate2 certificate, string path, KeyPassphrase passphrase)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(passphrase);
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The node certificate has no ECDSA private key.");
        var keyPem = passphrase.IsSet ? key.ExportEncryptedPkcs8PrivateKeyPem(passphrase.Characters, KeyPassphrase.Encryption) : key.ExportPkcs8PrivateKeyPem();
        OwnerOnlyFile.WriteAtomically(path, certificate.ExportCertificatePem() + "\n" + keyPem + "\n");
    }

    /// <summary>Loads the identity at <paramref name="path"/>, whose key is encrypted with <paramref name="passphrase"/> if that is set;
    /// <see cref="Replace"/> saves with the same passphrase, which the caller keeps undisposed while this identity is used.</summary>
    /// <exception cref="NodeException">The file is missing, unreadable or not a certificate with its key; or the passphrase does not match
    /// how the key is kept (wrong, missing, or given for a key that is not encrypted).</exception>
    public static NodeIdentity Load(string path, KeyPassphrase passphrase)
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        try
        {
            var encrypted = File.ReadAllText(path).Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal);
            if (encrypted != passphrase.IsSet)
            {
                throw encrypted ? KeyPassphrase.Refused(path, passphrase) : KeyPassphrase.NotEncrypted(path);
            }

            if (!encrypted)
            {
                return new NodeIdentity(path, passphrase, X509Certificate2.CreateFromPemFile(path));
            }

            try
            {
                return new NodeIdentity(path, passphrase, X509Certificate2.CreateFromEncryptedPemFile(path, passphrase.Characters));
            }
            catch (CryptographicException ex)
            {
                throw KeyPassphrase.Refused(path, passphrase, ex);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new NodeException($"Cannot read the node identity '{path}': {ex.Message}. Restore it from backup, or re-initialize the node and pair again.", ex);
        }
    }

    /// <summary>Saves <paramref name="next"/> as the identity (encrypted as the current one is) and switches to it.</summary>
    public void Replace(X509Certificate2 next)
    {
        Save(next, _path, _passphrase);
        var previous = Interlocked.Exchange(ref _certificate, next);
        // Connections made with the old certificate may still read it; it is garbage-collected, not disposed.
        GC.KeepAlive(previous);
    }

    /// <summary>Signs <paramref name="data"/> with the current key: ECDSA P-256, SHA-256, IEEE P1363 (r||s).</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) => Sign(Certificate, data);

    /// <summary>Signs <paramref name="data"/> with <paramref name="certificate"/>'s private key: ECDSA P-256, SHA-256, IEEE P1363 (r||s).</summary>
    public static byte[] Sign(X509Certificate2 certificate, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The certificate has no ECDSA private key.");
        return key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    public void Dispose() => Certificate.Dispose();
}
