using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Access;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Catalog;
using PrivacyNode.Node.Configuration;
using PrivacyNode.Node.Identity;
using PrivacyNode.Node.Jobs;
using PrivacyNode.Node.Peers;
using PrivacyNode.Node.Security;
using PrivacyNode.Node.Services;
using PrivacyNode.Node.Storage;
using PrivacyNode.Node.Users;
using PrivacyNode.Rpc.Security;
using PrivacyNode.Rpc.Server;

namespace PrivacyNode.Node.Hosting;

/// <summary>
/// A running node: ASP.NET Core with Kestrel serving the peer endpoint (mutual TLS, pinned peers only)
/// and the local endpoint (loopback, bearer tokens). This is the composition root; it wires the stores,
/// identity and services by hand.
/// </summary>
public sealed class NodeHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DataDirectory _directory;
    private readonly NodeDatabase _database;
    private readonly PeerChannels _channels;
    private readonly ILoggerFactory _loggerFactory;
    private JobRunner? _runner;
    private PeerRefusalBudget? _refusals;
    private Crypto.Signatures.Ed25519KeyPair? _auditKey;

    private NodeHost(WebApplication app, DataDirectory directory, NodeDatabase database, PeerChannels channels, ILoggerFactory loggerFactory, NodeSelf self, Uri localAddress, IPEndPoint peerEndPoint)
    {
        _app = app;
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

    /// <summary>The bound peer endpoint.</summary>
    public IPEndPoint PeerEndPoint { get; }

    /// <summary>Who may call each local method: the roles, or none for a public method.</summary>
    public required IReadOnlyDictionary<string, Role[]> LocalRules { get; init; }

    /// <summary>Starts the node in <paramref name="dataDirectory"/>.</summary>
    /// <param name="dataDirectory">The node's data directory.</param>
    /// <param name="overrides">Configuration that wins over node.json and the environment (tests, one-off runs).</param>
    /// <param name="configureLogging">Replaces the console logging set up from configuration.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="NodeException">The data directory or configuration is unusable, or an endpoint cannot be bound.</exception>
    public static async Task<NodeHost> StartAsync(string dataDirectory, IEnumerable<KeyValuePair<string, string?>>? overrides = null, Action<ILoggingBuilder>? configureLogging = null, CancellationToken cancellationToken = default)
    {
        var directory = new DataDirectory(dataDirectory);
        directory.EnsureUsable();
        var configuration = NodeConfiguration.Build(directory, overrides);
        var options = NodeConfiguration.Bind(configuration);
        var identity = NodeIdentity.Load(directory.IdentityFile);
        var commonName = identity.Certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, forIssuer: false);
        if (commonName != options.Name)
        {
            throw new NodeException($"Node:Name '{options.Name}' does not match the node's certificate, which was made for '{commonName}'. A node cannot be renamed; restore node.json.");
        }

        var clock = TimeProvider.System;
        var auditKey = AuditKey.Load(directory.AuditKeyFile);
        var database = await NodeDatabase.OpenAsync(options.Storage, directory, cancellationToken);
        var audit = new AuditLog(database, auditKey, options.Name, clock);
        var self = new NodeSelf(options.Name, identity, audit.PublicKey);
        var users = new UserStore(database, audit, clock);
        var peers = new PeerStore(database, audit, clock);
        var pins = new PeerPins(peers, clock);
        var channels = new PeerChannels(identity, clock, options.MaxMessageBytes);
        var rotation = new CertificateRotation(self, peers, pins, channels, audit, clock);
        var localAccess = new LocalAccess(users, audit);
        var peerAccess = new PeerAccess(pins);
        var peerHealth = new HealthRpcService();
        var localHealth = new HealthRpcService();
        var peerClient = new PeerClient(peers, channels);
        var peerKeys = new PeerAuditKeys(database, peers, channels, clock);
        var datasets = new DatasetStore(database, audit);
        var refusals = new PeerRefusalBudget(audit, clock, TimeSpan.FromMinutes(1));
        var access = new AccessStore(database, audit, clock, refusals, options.Jobs.MinRequesterSetSize);
        var jobs = new JobStore(database, audit, clock);
        var jobEvents = new JobEvents();
        await pins.RefreshAsync(cancellationToken);

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
        IJobExecutor[] executors =
        [
            new RowCountExecutor(peerClient, peerKeys),
            .. PsiExecutor.Kinds.Select(kind => new PsiExecutor(kind, peerClient, peerKeys, datasets, access)),
            new HeAggregateExecutor(peerClient, peerKeys, audit),
        ];
        var runner = new JobRunner(jobs, jobEvents, executors, clock,
            TimeSpan.FromMinutes(options.Jobs.TimeoutMinutes), TimeSpan.FromDays(options.Jobs.ResultRetentionDays), loggerFactory.CreateLogger("PrivacyNode.Jobs"));
        var tagCache = new ProviderTagCache(directory.PsiCacheDirectory, TimeSpan.FromDays(options.Jobs.PsiKeyLifetimeDays), clock);
        var catalog = new CatalogRpcService(datasets, tagCache, peerClient, clock);
        var accessService = new AccessRpcService(self, access, peerClient, peerKeys, options.Access, clock);
        var serverOptions = new RpcServerOptions { MaxReceiveMessageSize = options.MaxMessageBytes };
        // A peer's call never outlives the longest job it can serve.
        var peerOptions = new RpcServerOptions { MaxReceiveMessageSize = options.MaxMessageBytes, MaxDeadline = TimeSpan.FromMinutes(options.Jobs.TimeoutMinutes + 5) };
        var peerRouter = new RpcRouter(peerOptions, peerAccess.AuthorizeAsync, loggerFactory.CreateLogger("PrivacyNode.Rpc.PeerEndpoint"));
        peerHealth.Map(peerRouter);
        new NodeRpcService(self, rotation, audit, refusals, clock).Map(peerRouter);
        catalog.MapPeer(peerRouter);
        accessService.MapPeer(peerRouter);
        new PeerJobRpcService(access, audit, peerKeys).Map(peerRouter);
        new PeerPsiRpcService(access, audit, peerKeys, tagCache).Map(peerRouter);
        new PeerAggregateRpcService(access, audit, peerKeys).Map(peerRouter);
        new PeerThresholdAggregateRpcService(access, audit, peerKeys).Map(peerRouter);
        peerHealth.LearnServices(peerRouter);

        var localRouter = new RpcRouter(serverOptions, localAccess.AuthorizeAsync, loggerFactory.CreateLogger("PrivacyNode.Rpc.LocalEndpoint"), localAccess.RecordRefusalAsync);
        localHealth.Map(localRouter);
        localAccess.Allow(HealthServiceDescriptor.Check);
        localAccess.Allow(HealthServiceDescriptor.Watch);
        new IdentityRpcService(self, peers, rotation).Map(localRouter, localAccess);
        new PeerRpcService(self, peers, pins, channels, clock).Map(localRouter, localAccess);
        new UserRpcService(users).Map(localRouter, localAccess);
        catalog.MapLocal(localRouter, localAccess);
        accessService.MapLocal(localRouter, localAccess);
        new JobRpcService(jobs, runner, jobEvents, access, clock).Map(localRouter, localAccess);
        new AuditRpcService(self, audit, peerKeys, clock).Map(localRouter, localAccess);
        localHealth.LearnServices(localRouter);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = directory.Path, ApplicationName = "privacynode-node" });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);

        var peerBind = EndpointAddress.Parse(options.PeerEndpoint.Listen, "Node:PeerEndpoint:Listen");
        var localBind = EndpointAddress.Parse(options.LocalEndpoint.Listen, "Node:LocalEndpoint:Listen");
        ListenOptions? peerListen = null;
        ListenOptions? localListen = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(peerBind, listen =>
            {
                peerListen = listen;
                listen.UseHttps(MutualTls.ServerOptions(() => identity.Certificate, pins.IsPinned));
                listen.UseRpcRouter(peerRouter);
            });
            kestrel.Listen(localBind, listen =>
            {
                localListen = listen;
                listen.UseRpcRouter(localRouter);
            });
        });

        var app = builder.Build();
        app.Run(RpcListenOptionsExtensions.DispatchAsync);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            await refusals.DisposeAsync();
            await database.DisposeAsync();
            auditKey.Dispose();
            loggerFactory.Dispose();
            throw new NodeException($"Cannot listen on the configured endpoints ({options.PeerEndpoint.Listen}, {options.LocalEndpoint.Listen}): {ex.Message}. Is another node running?", ex);
        }

        var peerEndPoint = (IPEndPoint)peerListen!.EndPoint;
        var localEndPoint = (IPEndPoint)localListen!.EndPoint;
        self.Advertise(options.PeerEndpoint.Advertise, peerEndPoint);
        var localAddress = new Uri("http://" + EndpointAddress.Format(localEndPoint.Address.ToString(), localEndPoint.Port));
        new NodeRuntimeInfo(localAddress.GetLeftPart(UriPartial.Authority), peerEndPoint.ToString(), Environment.ProcessId).Write(directory.Path);
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            NodeLog.NodeStopping(logger, self.Name);
            peerHealth.SetNotServing();
            localHealth.SetNotServing();
            NodeRuntimeInfo.Delete(directory.Path);
        });
        await runner.StartAsync(cancellationToken);
        var peerCount = (await peers.ListAsync(cancellationToken)).Count;
        var peerText = peerEndPoint.ToString();
        var localText = localAddress.GetLeftPart(UriPartial.Authority);
        var fingerprint = identity.Fingerprint;
        NodeLog.PeersLoaded(logger, peerCount);
        NodeLog.NodeStarted(logger, self.Name, peerText, self.AdvertisedAddress, localText, fingerprint);
        return new NodeHost(app, directory, database, channels, loggerFactory, self, localAddress, peerEndPoint) { _runner = runner, _refusals = refusals, _auditKey = auditKey, LocalRules = localAccess.Rules };
    }

    /// <summary>Completes when the node is asked to stop (SIGTERM, Ctrl+C) or <paramref name="cancellationToken"/> fires.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops gracefully: health turns NOT_SERVING, in-flight calls finish (up to 10 s).</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
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
}
