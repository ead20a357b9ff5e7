namespace PrivacyNode.Node.Configuration;

/// <summary>The <c>Node</c> section of node.json (and <c>PRIVACYNODE_Node__*</c> environment variables).</summary>
public sealed class NodeOptions
{
    /// <summary>The node's name, fixed at init.</summary>
    public string Name { get; set; } = string.Empty;

    public PeerEndpointOptions PeerEndpoint { get; set; } = new();

    public LocalEndpointOptions LocalEndpoint { get; set; } = new();

    public WebConsoleOptions Console { get; set; } = new();

    public MetricsOptions Metrics { get; set; } = new();

    public StorageOptions Storage { get; set; } = new();

    public AccessOptions Access { get; set; } = new();

    public JobOptions Jobs { get; set; } = new();

    /// <summary>Largest message accepted from peers and local users, in bytes.</summary>
    public int MaxMessageBytes { get; set; } = 4 * 1024 * 1024;
}

/// <summary>Where other agencies' nodes reach this one (mutual TLS).</summary>
public sealed class PeerEndpointOptions
{
    /// <summary>The address to bind, <c>ip:port</c>.</summary>
    public string Listen { get; set; } = "0.0.0.0:7443";

    /// <summary>The <c>host:port</c> peers dial, put in invitations; defaults to the bound address (or this host's name for a wildcard bind).</summary>
    public string? Advertise { get; set; }
}

/// <summary>Where the agency's own users reach the node (bearer tokens; loopback only, as tokens travel in clear text).</summary>
public sealed class LocalEndpointOptions
{
    /// <summary>The loopback address to bind, <c>ip:port</c>.</summary>
    public string Listen { get; set; } = "127.0.0.1:7080";

    /// <summary>
    /// Calls a second each user may make (with bursts of as many); a faster client's calls wait their turn, so one script calling
    /// back to back cannot take the machine from admitted jobs. 0: unpaced.
    /// </summary>
    public int CallsPerUserPerSecond { get; set; } = 100;
}

/// <summary>The web console for the agency's own users: loopback only, as the local endpoint.</summary>
public sealed class WebConsoleOptions
{
    /// <summary>Whether the node serves the console.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The loopback address to bind, <c>ip:port</c>; by default the local endpoint's address and the port after it (port 0 stays 0).</summary>
    public string? Listen { get; set; }

    /// <summary>The language pages open in until a user picks another: <c>zh-CN</c> or <c>en</c>.</summary>
    public string Language { get; set; } = "en";

    /// <summary>The time zone dates are shown in (an IANA id such as <c>Asia/Shanghai</c>); by default the machine's.</summary>
    public string? TimeZone { get; set; }

    /// <summary>Minutes without a request after which a signed-in session ends.</summary>
    public int IdleMinutes { get; set; } = 15;
}

/// <summary>The operator's Prometheus endpoint, <c>GET /metrics</c>: loopback only, without authentication.</summary>
public sealed class MetricsOptions
{
    /// <summary>Whether the node serves metrics.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The loopback address to bind, <c>ip:port</c>; by default the local endpoint's address and the port two after it (port 0 stays 0).</summary>
    public string? Listen { get; set; }
}

/// <summary>Where the node keeps its catalog, peers, users and audit log.</summary>
public sealed class StorageOptions
{
    /// <summary><c>sqlite</c> (default, in the data directory) or <c>postgresql</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>For PostgreSQL: an Npgsql connection string.</summary>
    public string? ConnectionString { get; set; }
}

/// <summary>How this node answers access requests from peers.</summary>
public sealed class AccessOptions
{
    /// <summary>Working days (Monday to Friday) within which a received request must be answered.</summary>
    public int ResponseWorkingDays { get; set; } = 10;

    /// <summary>
    /// The most uses a grant for psi-sum or he-aggregate may allow. A requester running modified software can learn one value of its
    /// choosing per psi-sum job, or one provider's contribution per threshold he-aggregate job (SECURITY.md), so uses bound that.
    /// </summary>
    public long MaxSumUses { get; set; } = 10;
}

/// <summary>How jobs run and how long their results are kept.</summary>
public sealed class JobOptions
{
    /// <summary>Days a result is kept at the requester (never beyond its grant's end), then disposed of.</summary>
    public int ResultRetentionDays { get; set; } = 30;

    /// <summary>A job still running after this many minutes fails with a deadline error.</summary>
    public int TimeoutMinutes { get; set; } = 60;

    /// <summary>
    /// Seconds a peer may stay silent within a job (send no message, or take none) before its call is ended. The longest silence
    /// of an honest peer is a provider's first psi job over a large dataset, which builds its tag cache before answering: about
    /// ten minutes for 2^24 keys on two cores.
    /// </summary>
    public int PeerIdleSeconds { get; set; } = 900;

    /// <summary>Days a provider keeps one OPRF key for a dataset's cached psi tags before it rotates the key and rebuilds the tags.</summary>
    public int PsiKeyLifetimeDays { get; set; } = 7;

    /// <summary>
    /// The smallest requester set a PSI job may use at this node as provider, whatever a grant says: grants can only raise it. Keeps a
    /// requester from probing a few keys at a time.
    /// </summary>
    public long MinRequesterSetSize { get; set; } = 100;
}
