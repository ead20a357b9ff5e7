using System.Security.Cryptography.X509Certificates;

namespace PrivacyNode.Testing;

/// <summary>Writes certificates and keys as PEM files for peers written in other languages.</summary>
public static class PemFiles
{
    /// <summary>Writes the certificate and its private key; returns (certificate path, key path).</summary>
    public static (string Certificate, string Key) Write(X509Certificate2 certificate, string directory, string name)
    {
        var certificatePath = Path.Combine(directory, name + ".crt");
        var keyPath = Path.Combine(directory, name + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The certificate has no ECDSA private key.");
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }
}
