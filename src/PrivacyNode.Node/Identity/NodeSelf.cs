using System.Net;
using System.Reflection;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Configuration;

namespace PrivacyNode.Node.Identity;

/// <summary>How this node describes itself to peers and users: name, version, certificate, audit key and advertised address.</summary>
public sealed class NodeSelf(string name, NodeIdentity identity, byte[] auditPublicKey)
{
    private static readonly string[] Build =
        (typeof(NodeSelf).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+', 2);

    /// <summary>The software version (informational version of the node assembly, without its build metadata).</summary>
    public static readonly string Version = Build[0];

    /// <summary>The source commit of this build (the informational version's build metadata), or empty.</summary>
    public static readonly string Commit = Build.Length > 1 ? Build[1] : string.Empty;

    public string Name { get; } = name;

    public NodeIdentity Identity { get; } = identity;

    /// <summary>The <c>host:port</c> peers dial; known once the peer endpoint is bound.</summary>
    public string AdvertisedAddress { get; private set; } = string.Empty;

    /// <summary>Sets <see cref="AdvertisedAddress"/>: the configured one, else the bound endpoint (this host's name for a wildcard bind).</summary>
    public void Advertise(string? configured, IPEndPoint bound)
    {
        ArgumentNullException.ThrowIfNull(bound);
        if (!string.IsNullOrEmpty(configured))
        {
            AdvertisedAddress = configured;
            return;
        }

        var host = bound.Address.Equals(IPAddress.Any) || bound.Address.Equals(IPAddress.IPv6Any) ? Dns.GetHostName() : bound.Address.ToString();
        AdvertisedAddress = EndpointAddress.Format(host, bound.Port);
    }

    public NodeInfo ToNodeInfo() => new()
    {
        Name = Name,
        Version = Version,
        CertificateFingerprint = Identity.Fingerprint,
        PeerAddress = AdvertisedAddress,
        AuditPublicKey = Google.Protobuf.ByteString.CopyFrom(auditPublicKey),
        PsiSuites = { Crypto.Psi.VolePsi.SuiteName, Crypto.Psi.PsiSuite.All.Select(s => s.Name) },
    };

    /// <summary>This node's invitation line.</summary>
    public Invitation ToInvitation()
    {
        var colon = AdvertisedAddress.LastIndexOf(':');
        var host = AdvertisedAddress[..colon].Trim('[', ']');
        var port = int.Parse(AdvertisedAddress.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture);
        return new Invitation(Name, host, port, PinnedTls.CertificateFingerprint.Compute(Identity.Certificate));
    }
}
