using Prometheus;

namespace PrivacyNode.Node;

/// <summary>
/// What a node tells its operator's Prometheus (text exposition at <c>/metrics</c> on the loopback metrics endpoint), in one registry
/// per node: jobs by kind and state and their durations, job-stream bytes to and from each peer, refused calls by endpoint and
/// reason, when each peer was last heard from and whether the last call to it got through, the expiry of this node's certificate
/// and of each peer's, and, read at each scrape, the audit chain's length and its last verification. Values name peers, kinds,
/// states and reason codes only: never a row, a value, a dataset path or a user.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class NodeMetrics
{
    private readonly Counter _jobs;
    private readonly Histogram _jobSeconds;
    private readonly Gauge _jobsRunning;
    private readonly Counter _peerBytes;
    private readonly Counter _refused;
    private readonly Gauge _peerUp;
    private readonly Gauge _peerLastContact;
    private readonly Gauge _peerCertificateExpiry;
    private readonly TimeProvider _clock;

    public NodeMetrics(TimeProvider clock)
    {
        _clock = clock;
        Registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        var metrics = Metrics.WithCustomRegistry(Registry);
        _jobs = metrics.CreateCounter("privacynode_jobs_total", "Jobs this node requested that ended, by kind and state.", "kind", "state");
        _jobSeconds = metrics.CreateHistogram("privacynode_job_duration_seconds", "Run time of the jobs this node requested, from start to end.",
            new HistogramConfiguration { LabelNames = ["kind", "state"], Buckets = Histogram.ExponentialBuckets(0.05, 2.5, 12) });
        _jobsRunning = metrics.CreateGauge("privacynode_jobs_running", "Jobs this node requested that are running now, by kind.", "kind");
        _peerBytes = metrics.CreateCounter("privacynode_peer_bytes_total",
            "gRPC message bytes of job streams with each peer (5-byte frame headers included; HTTP/2 and TLS framing not), by direction (sent, received).", "peer", "direction");
        _refused = metrics.CreateCounter("privacynode_refused_calls_total", "Calls this node refused, by endpoint (peer, local) and reason.", "endpoint", "reason");
        _peerUp = metrics.CreateGauge("privacynode_peer_up", "1 if the last call this node made to the peer got an answer, 0 if the peer was unreachable.", "peer");
        _peerLastContact = metrics.CreateGauge("privacynode_peer_last_contact_timestamp_seconds", "When this node last exchanged a message with the peer (Unix time).", "peer");
        _peerCertificateExpiry = metrics.CreateGauge("privacynode_peer_certificate_expiry_timestamp_seconds", "When the certificate the peer last presented expires (Unix time).", "peer");
        CertificateExpiry = metrics.CreateGauge("privacynode_certificate_expiry_timestamp_seconds", "When this node's own TLS certificate expires (Unix time).");
        AuditRecords = metrics.CreateGauge("privacynode_audit_records", "Records in this node's audit chain.");
        LastVerification = metrics.CreateGauge("privacynode_audit_last_verification_timestamp_seconds", "When the audit chain was last verified on this node (Unix time; 0: never).");
        LastVerificationOk = metrics.CreateGauge("privacynode_audit_last_verification_ok", "1 if the last verification of the audit chain found it intact, 0 if not.");
    }

    /// <summary>The node's registry, which the metrics endpoint exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Set at each scrape.</summary>
    public Gauge CertificateExpiry { get; }

    /// <summary>Set at each scrape.</summary>
    public Gauge AuditRecords { get; }

    /// <summary>Set at each scrape.</summary>
    public Gauge LastVerification { get; }

    /// <summary>Set at each scrape.</summary>
    public Gauge LastVerificationOk { get; }

    public void JobStarted(string kind) => _jobsRunning.WithLabels(kind).Inc();

    public void JobEnded(string kind, string state, TimeSpan runTime)
    {
        _jobsRunning.WithLabels(kind).Dec();
        _jobs.WithLabels(kind, state).Inc();
        _jobSeconds.WithLabels(kind, state).Observe(runTime.TotalSeconds);
    }

    /// <summary>The byte counts of one job call with <paramref name="peer"/>, for <see cref="Peers.IdleStreams"/>; they add to the peer's counters.</summary>
    public PeerTraffic Traffic(string peer) => new(this, peer);

    public void Refused(string endpoint, string reason) => _refused.WithLabels(endpoint, reason).Inc();

    /// <summary>A call to <paramref name="peer"/> was answered (<paramref name="up"/>), or found it unreachable.</summary>
    public void Reached(string peer, bool up)
    {
        _peerUp.WithLabels(peer).Set(up ? 1 : 0);
        if (up)
        {
            Heard(peer);
        }
    }

    public void PeerCertificate(string peer, DateTimeOffset notAfter) => _peerCertificateExpiry.WithLabels(peer).Set(notAfter.ToUnixTimeSeconds());

    private void Heard(string peer) => _peerLastContact.WithLabels(peer).Set(_clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0);

    /// <summary>
    /// Counts the bytes of one job call's gRPC messages each way (5-byte frame headers included, HTTP/2 and TLS framing not), for
    /// the call and into its peer's counters.
    /// </summary>
    /// <remarks>Thread-safe.</remarks>
    public sealed class PeerTraffic
    {
        private readonly NodeMetrics _metrics;
        private readonly string _peer;
        private readonly Counter.Child _sent;
        private readonly Counter.Child _received;
        private long _bytesSent;
        private long _bytesReceived;

        internal PeerTraffic(NodeMetrics metrics, string peer)
        {
            (_metrics, _peer) = (metrics, peer);
            _sent = metrics._peerBytes.WithLabels(peer, "sent");
            _received = metrics._peerBytes.WithLabels(peer, "received");
        }

        /// <summary>The gRPC frame header before each message.</summary>
        private const int FrameHeader = 5;

        public long BytesSent => Interlocked.Read(ref _bytesSent);

        public long BytesReceived => Interlocked.Read(ref _bytesReceived);

        public void Sent(Google.Protobuf.IMessage message)
        {
            var bytes = FrameHeader + message.CalculateSize();
            Interlocked.Add(ref _bytesSent, bytes);
            _sent.Inc(bytes);
        }

        public void Received(Google.Protobuf.IMessage message)
        {
            var bytes = FrameHeader + message.CalculateSize();
            Interlocked.Add(ref _bytesReceived, bytes);
            _received.Inc(bytes);
            _metrics.Heard(_peer);
        }
    }
}
