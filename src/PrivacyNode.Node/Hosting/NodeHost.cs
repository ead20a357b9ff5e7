using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Access;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Catalog;
using PrivacyNode.Node.Configuration;
using PrivacyNode.Node.Endpoints;
using PrivacyNode.Node.Identity;
using PrivacyNode.Node.Jobs;
using PrivacyNode.Node.Kinds;
using PrivacyNode.Node.Kinds.Psi;
using PrivacyNode.Node.Peers;
using PrivacyNode.Node.Security;
using PrivacyNode.Node.Services;
using PrivacyNode.Node.Storage;
using PrivacyNode.Node.Users;
using PrivacyNode.Node.WebConsole;
using PrivacyNode.PinnedTls;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace PrivacyNode.Node.Hosting;

/// <summary>
/// A running node: ASP.NET Core with Kestrel serving the peer endpoint (mutual TLS, pinned peers only)
/// and the local endpoint (loopback, bearer tokens). This is the composition root; it wires the stores,
/// identity and services by hand.
/// </summary>
public sealed class NodeHost : IAsyncDisposable
{
    private readonly GrpcEndpoint _peer;
    private readonly GrpcEndpoint _local;
    private readonly ConsoleEndpoint? _console;
    private readonly DataDirectory _directory;
    private readonly NodeDatabase _database;
    private readonly PeerChannels _channels;
    private readonly ILoggerFactory _loggerFactory;
    private JobRunner? _runner;
    private PeerRefusalBudget? _refusals;
    private Crypto.Signatures.Ed25519KeyPair? _auditKey;
    private MetricsEndpoint? _metrics;

    private NodeHost(GrpcEndpoint peer, GrpcEndpoint local, ConsoleEndpoint? console, DataDirectory directory, NodeDatabase database, PeerChannels channels, ILoggerFactory loggerFactory, NodeSelf self, Uri localAddress, IPEndPoint peerEndPoint)
    {
        _peer = peer;
        _local = local;
        _console = console;
        _directory = directory;
        _database = database;
        _channels = channels;
        _loggerFactory = loggerFactory;
        Self = self;
        LocalAddress = localAddress;
        PeerEndPoint = peerEndPoint;
    }

    public NodeSelf Self { get; }

    /// <summary>The bound local endpoint, <c>http://127.0.0.1:port</c>.</summary>
    public Uri LocalAddress { get; }

    /// <summary>The web console, <c>http://127.0.0.1:port/</c>; null when disabled (<c>Node:Console:Enabled</c>).</summary>
    public Uri? ConsoleAddress { get; private init; }

    /// <summary>The bound peer endpoint.</summary>
    public IPEndPoint PeerEndPoint { get; }

    /// <summary>Who may call each local method: the roles, or none for a public method.</summary>
    public required IReadOnlyDictionary<string, Role[]> LocalRules { get; init; }

    /// <summary>Starts the node in <paramref name="dataDirectory"/>.</summary>
    /// <param name="dataDirectory">The node's data directory.</param>
    /// <param name="overrides">Configuration that wins over node.json and the environment (tests, one-off runs).</param>
    /// <param name="configureLogging">Replaces the console logging set up from configuration.</param>
    /// <param name="passphrase">The passphrase of the node's encrypted keys (kept by the node until it stops, for certificate rotation); none by default.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="NodeException">The data directory or configuration is unusable, the passphrase does not open the keys, or an endpoint cannot be bound.</exception>
    public static async Task<NodeHost> StartAsync(string dataDirectory, IEnumerable<KeyValuePair<string, string?>>? overrides = null, Action<ILoggingBuilder>? configureLogging = null, KeyPassphrase? passphrase = null, CancellationToken cancellationToken = default)
    {
        var directory = new DataDirectory(dataDirectory);
        directory.EnsureUsable();
        var configuration = NodeConfiguration.Build(directory, overrides);
        var options = NodeConfiguration.Bind(configuration);
        passphrase ??= KeyPassphrase.None;
        var identity = NodeIdentity.Load(directory.IdentityFile, passphrase);
        var commonName = identity.Certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, forIssuer: false);
        if (commonName != options.Name)
        {
            throw new NodeException($"Node:Name '{options.Name}' does not match the node's certificate, which was made for '{commonName}'. A node cannot be renamed; restore node.json.");
        }

        var clock = TimeProvider.System;
        var auditKey = AuditKey.Load(directory.AuditKeyFile, passphrase);
        var database = await NodeDatabase.OpenAsync(options.Storage, directory, cancellationToken);
        var audit = new AuditLog(database, auditKey, options.Name, clock);
        var self = new NodeSelf(options.Name, identity, audit.PublicKey);
        var users = new UserStore(database, audit, clock);
        var peers = new PeerStore(database, audit, clock);
        var pins = new PeerPins(peers, clock);
        var channels = new PeerChannels(identity, clock, options.MaxMessageBytes);
        var rotation = new CertificateRotation(self, peers, pins, channels, audit, clock);
        var localAccess = new LocalAccess(users, audit, options.LocalEndpoint.CallsPerUserPerSecond > 0 ? new CallPacing(options.LocalEndpoint.CallsPerUserPerSecond, clock) : null);
        var peerIdle = TimeSpan.FromSeconds(options.Jobs.PeerIdleSeconds);
        var metrics = new NodeMetrics(clock);
        var peerClient = new PeerClient(peers, channels, peerIdle, metrics);
        var peerKeys = new PeerAuditKeys(database, peers, channels, clock);
        var datasets = new DatasetStore(database, audit);
        var refusals = new PeerRefusalBudget(audit, clock, TimeSpan.FromMinutes(1));
        var peerAccess = new PeerAccess(pins, audit, refusals, metrics);
        var access = new AccessStore(database, audit, clock, refusals, options.Jobs.MinRequesterSetSize);
        var jobs = new JobStore(database, audit, clock);
        var jobEvents = new JobEvents();
        await pins.RefreshAsync(cancellationToken);
        await access.EndInterruptedAsync(cancellationToken);

        var loggerFactory = LoggerFactory.Create(logging =>
        {
            logging.AddConfiguration(configuration.GetSection("Logging"));
            if (configureLogging is null)
            {
                logging.AddConsole();
            }
            else
            {
                configureLogging(logging);
            }
        });
        var logger = loggerFactory.CreateLogger("PrivacyNode.Node");
        var tagCache = new ProviderTagCache(directory.PsiCacheDirectory, TimeSpan.FromDays(options.Jobs.PsiKeyLifetimeDays), clock);
        var kinds = new JobKindRegistry(peerClient, peerKeys, datasets, access, audit, tagCache);
        var runner = new JobRunner(jobs, jobEvents, kinds.Executors, clock,
            TimeSpan.FromMinutes(options.Jobs.TimeoutMinutes), TimeSpan.FromDays(options.Jobs.ResultRetentionDays), loggerFactory.CreateLogger("PrivacyNode.Jobs"), metrics);
        var peerServices = new EndpointServices()
            .Add(new NodeRpcService(self, rotation, audit, refusals, clock), NodeService.Descriptor)
            .Add(new PeerCatalogRpcService(datasets), PeerCatalogService.Descriptor)
            .Add(new PeerAccessRpcService(access, options.Access, clock), PeerAccessService.Descriptor)
            .Add(new PeerJobRpcService(kinds, peerIdle, metrics), PeerJobService.Descriptor);
        var accessService = new AccessRpcService(self, access, peerClient, peerKeys, options.Access, clock);
        var auditService = new AuditRpcService(self, audit, peerKeys, clock);
        var localServices = new EndpointServices()
            .Add(new IdentityRpcService(self, peers, rotation), IdentityService.Descriptor)
            .Add(new PeerRpcService(self, peers, pins, channels, clock), PeerService.Descriptor)
            .Add(new UserRpcService(users), UserService.Descriptor)
            .Add(new CatalogRpcService(datasets, tagCache, peerClient, clock), CatalogService.Descriptor)
            .Add(accessService, AccessService.Descriptor)
            .Add(new JobRpcService(jobs, runner, jobEvents, access, clock), JobService.Descriptor, compressResponses: true)
            .Add(auditService, AuditService.Descriptor, compressResponses: true);
        localAccess.AllowPublic(Grpc.Health.V1.Health.Descriptor);
        localAccess.AllowPublic(Grpc.Reflection.V1.ServerReflection.Descriptor);
        localAccess.AllowPublic(Grpc.Reflection.V1Alpha.ServerReflection.Descriptor);
        foreach (var (descriptor, implementation) in localServices.Services)
        {
            localAccess.Learn(descriptor, implementation);
        }

        var peerBind = EndpointAddress.Parse(options.PeerEndpoint.Listen, "Node:PeerEndpoint:Listen");
        var localBind = EndpointAddress.Parse(options.LocalEndpoint.Listen, "Node:LocalEndpoint:Listen");
        var peerRules = new EndpointRules
        {
            Authorize = peerAccess.AuthorizeAsync,
            Refused = (context, refusal) => Refused(metrics, "peer", context, refusal, peerAccess.RecordRefusalAsync),
            Ended = ProvidedJob.EndAbandonedAsync,
            Translate = StorageFailure.ToStatus,
            // A peer's call never outlives the longest job it can serve.
            MaxDeadline = TimeSpan.FromMinutes(options.Jobs.TimeoutMinutes + 5),
        };
        var localRules = new EndpointRules
        {
            Authorize = localAccess.AuthorizeAsync,
            Refused = (context, refusal) => Refused(metrics, "local", context, refusal, localAccess.RecordRefusalAsync),
            Translate = StorageFailure.ToStatus,
        };
        var peerEndpoint = GrpcEndpoint.Build(peerBind, listen => listen.UseHttps(MutualTls.ServerOptions(() => identity.Certificate, pins.IsPinned)), peerServices,
            new EndpointInterceptor(peerRules, loggerFactory.CreateLogger("PrivacyNode.Node.PeerEndpoint")), options.MaxMessageBytes, reflection: false, directory.Path, loggerFactory);
        var localEndpoint = GrpcEndpoint.Build(localBind, _ => { }, localServices,
            new EndpointInterceptor(localRules, loggerFactory.CreateLogger("PrivacyNode.Node.LocalEndpoint")), options.MaxMessageBytes, reflection: true, directory.Path, loggerFactory);
        var auditQuery = new AuditQuery(database);
        var consoleBind = options.Console.Enabled ? BesideLocal(options.Console.Listen, "Node:Console:Listen", localBind, 1) : null;
        var consoleEndpoint = consoleBind is null ? null : ConsoleEndpoint.Build(consoleBind, new ConsoleServices
            {
                Self = self, Audit = audit, AuditQuery = auditQuery, AuditService = auditService, PeerKeys = peerKeys,
                ChainChecks = new ChainChecks(self, audit, auditQuery, peerKeys, clock), Users = users, Access = localAccess, Jobs = jobs,
                AccessStore = access, AccessService = accessService, Peers = peers, Datasets = datasets,
                Sessions = new ConsoleSessions(clock, TimeSpan.FromMinutes(options.Console.IdleMinutes)), Clock = clock,
                TimeZone = options.Console.TimeZone is { } zone ? TimeZoneInfo.FindSystemTimeZoneById(zone) : TimeZoneInfo.Local,
                DefaultLanguage = options.Console.Language,
            }, directory.Path, loggerFactory);
        var metricsBind = options.Metrics.Enabled ? BesideLocal(options.Metrics.Listen, "Node:Metrics:Listen", localBind, 2) : null;
        var metricsEndpoint = metricsBind is null ? null : MetricsEndpoint.Build(metricsBind, metrics.Registry, directory.Path, loggerFactory);
        ReadAtScrape(metrics, identity, auditQuery);
        try
        {
            await peerEndpoint.App.StartAsync(cancellationToken);
            await localEndpoint.App.StartAsync(cancellationToken);
            if (consoleEndpoint is not null)
            {
                await consoleEndpoint.App.StartAsync(cancellationToken);
            }

            if (metricsEndpoint is not null)
            {
                await metricsEndpoint.App.StartAsync(cancellationToken);
            }
        }
        catch (IOException ex)
        {
            await peerEndpoint.DisposeAsync();
            await localEndpoint.DisposeAsync();
            if (consoleEndpoint is not null)
            {
                await consoleEndpoint.DisposeAsync();
            }

            if (metricsEndpoint is not null)
            {
                await metricsEndpoint.DisposeAsync();
            }

            await refusals.DisposeAsync();
            await database.DisposeAsync();
            auditKey.Dispose();
            loggerFactory.Dispose();
            throw new NodeException($"Cannot listen on the configured endpoints ({options.PeerEndpoint.Listen}, {options.LocalEndpoint.Listen}{(consoleBind is null ? "" : ", console " + consoleBind)}{(metricsBind is null ? "" : ", metrics " + metricsBind)}): {ex.Message}. Is another node running?", ex);
        }

        var peerEndPoint = peerEndpoint.EndPoint;
        var localEndPoint = localEndpoint.EndPoint;
        self.Advertise(options.PeerEndpoint.Advertise, peerEndPoint);
        var localAddress = new Uri("http://" + EndpointAddress.Format(localEndPoint.Address.ToString(), localEndPoint.Port));
        var consoleText = consoleEndpoint is null ? null : "http://" + EndpointAddress.Format(consoleEndpoint.EndPoint.Address.ToString(), consoleEndpoint.EndPoint.Port) + "/";
        var metricsText = metricsEndpoint is null ? null : "http://" + EndpointAddress.Format(metricsEndpoint.EndPoint.Address.ToString(), metricsEndpoint.EndPoint.Port) + "/metrics";
        new NodeRuntimeInfo(localAddress.GetLeftPart(UriPartial.Authority), peerEndPoint.ToString(), Environment.ProcessId, consoleText, metricsText).Write(directory.Path);
        var stopping = 0;
        void OnStopping()
        {
            if (Interlocked.Exchange(ref stopping, 1) == 0)
            {
                NodeLog.NodeStopping(logger, self.Name);
                peerServices.SetStatus(ServingStatus.NotServing);
                localServices.SetStatus(ServingStatus.NotServing);
                NodeRuntimeInfo.Delete(directory.Path);
            }
        }

        peerEndpoint.App.Lifetime.ApplicationStopping.Register(OnStopping);
        localEndpoint.App.Lifetime.ApplicationStopping.Register(OnStopping);
        consoleEndpoint?.App.Lifetime.ApplicationStopping.Register(OnStopping);
        peerServices.SetStatus(ServingStatus.Serving);
        localServices.SetStatus(ServingStatus.Serving);
        await runner.StartAsync(cancellationToken);
        var peerCount = (await peers.ListAsync(cancellationToken)).Count;
        var peerText = peerEndPoint.ToString();
        var localText = localAddress.GetLeftPart(UriPartial.Authority);
        var fingerprint = identity.Fingerprint;
        NodeLog.PeersLoaded(logger, peerCount);
        NodeLog.NodeStarted(logger, self.Name, peerText, self.AdvertisedAddress, localText, fingerprint);
        if (consoleText is not null)
        {
            NodeLog.ConsoleStarted(logger, consoleText);
        }

        if (CrashPoint.Description is { } crashPoint)
        {
            NodeLog.CrashPointArmed(logger, crashPoint, CrashPoint.Variable);
        }

        return new NodeHost(peerEndpoint, localEndpoint, consoleEndpoint, directory, database, channels, loggerFactory, self, localAddress, peerEndPoint) { _runner = runner, _refusals = refusals, _auditKey = auditKey, _metrics = metricsEndpoint, LocalRules = localAccess.Rules, ConsoleAddress = consoleText is null ? null : new Uri(consoleText) };
    }

    /// <summary>Completes when the node is asked to stop (SIGTERM, Ctrl+C) or <paramref name="cancellationToken"/> fires.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) =>
        Task.WhenAny(_peer.App.WaitForShutdownAsync(cancellationToken), _local.App.WaitForShutdownAsync(cancellationToken));

    /// <summary>Stops gracefully: health turns NOT_SERVING on both endpoints, in-flight calls and pages finish (up to 10 s).</summary>
    public Task StopAsync() =>
        Task.WhenAll(_peer.App.StopAsync(), _local.App.StopAsync(), _console?.App.StopAsync() ?? Task.CompletedTask, _metrics?.App.StopAsync() ?? Task.CompletedTask);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _peer.DisposeAsync();
        await _local.DisposeAsync();
        if (_console is not null)
        {
            await _console.DisposeAsync();
        }

        if (_metrics is not null)
        {
            await _metrics.DisposeAsync();
        }

        if (_runner is not null)
        {
            await _runner.DisposeAsync();
        }

        _channels.Dispose();
        if (_refusals is not null)
        {
            await _refusals.DisposeAsync();
        }

        await _database.DisposeAsync();
        _auditKey?.Dispose();
        _loggerFactory.Dispose();
        NodeRuntimeInfo.Delete(_directory.Path);
    }

    /// <summary>Counts a call an endpoint refused, by its policy reason (or its status), then has it recorded.</summary>
    private static ValueTask Refused(NodeMetrics metrics, string endpoint, ServerCallContext context, RpcException refusal, Func<ServerCallContext, RpcException, ValueTask> record)
    {
        metrics.Refused(endpoint, refusal.Trailers.GetValue(PeerRefusal.ReasonTrailer) ?? KebabCase.Of(refusal.StatusCode.ToString()));
        return record(context, refusal);
    }

    /// <summary>A loopback listener's address: <paramref name="listen"/> as configured, else the local endpoint's address and the port
    /// <paramref name="offset"/> after it (port 0 stays 0).</summary>
    private static IPEndPoint BesideLocal(string? listen, string key, IPEndPoint local, int offset) =>
        listen is not null ? EndpointAddress.Parse(listen, key)
        : local.Port is 0 || local.Port + offset > 65535 ? new IPEndPoint(local.Address, 0)
        : new IPEndPoint(local.Address, local.Port + offset);

    /// <summary>Has each scrape read what the stores and the certificate say now: the audit chain's length and last verification,
    /// and the certificate's expiry.</summary>
    private static void ReadAtScrape(NodeMetrics metrics, NodeIdentity identity, AuditQuery audit)
    {
        metrics.Registry.AddBeforeCollectCallback(async cancellationToken =>
        {
            metrics.CertificateExpiry.Set(new DateTimeOffset(identity.Certificate.NotAfter.ToUniversalTime()).ToUnixTimeSeconds());
            metrics.AuditRecords.Set(await audit.LastSeqAsync(cancellationToken));
            var page = (await audit.PageAsync(new AuditFilter { Action = "audit.verify" }, null, 1, cancellationToken)).Records;
            var verified = page.Count > 0 ? page[0] : null;
            metrics.LastVerification.Set(verified is null ? 0 : verified.TimeUnixMs / 1000.0);
            metrics.LastVerificationOk.Set(verified?.Outcome == "ok" ? 1 : 0);
        });
    }
}
