using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Hosting;

namespace PrivacyNode.Testing;

/// <summary>A real node for tests: initialized in a temporary directory, both endpoints on 127.0.0.1 port 0.</summary>
public sealed class TestNode : IAsyncDisposable
{
    /// <summary>The temporary directory this node made for itself and deletes on dispose (null when given a root).</summary>
    private readonly string? _ownRoot;
    private string? _auditorToken;

    private TestNode(string name, string dataDirectory, string adminToken, NodeHost host, string? ownRoot)
    {
        _ownRoot = ownRoot;
        Name = name;
        DataDirectory = dataDirectory;
        AdminToken = adminToken;
        Host = host;
        Local = GrpcChannel.ForAddress(host.LocalAddress);
    }

    public string Name { get; }

    public string DataDirectory { get; }

    public string AdminToken { get; }

    public NodeHost Host { get; private set; }

    /// <summary>A channel to the local endpoint (pass a token per call).</summary>
    public GrpcChannel Local { get; private set; }

    public IdentityService.IdentityServiceClient Identity => new(Local);

    public PeerService.PeerServiceClient Peers => new(Local);

    public UserService.UserServiceClient Users => new(Local);

    public CatalogService.CatalogServiceClient Catalog => new(Local);

    public AccessService.AccessServiceClient Access => new(Local);

    public JobService.JobServiceClient Jobs => new(Local);

    public AuditService.AuditServiceClient Audit => new(Local);

    public Health.HealthClient Health => new(Local);

    /// <summary>Initializes and starts a node called <paramref name="name"/>.</summary>
    public static async Task<TestNode> StartAsync(string name, string? root = null)
    {
        var ownRoot = root is null ? Directory.CreateTempSubdirectory("pn-node-").FullName : null;
        var directory = Path.Combine(root ?? ownRoot!, name);
        var init = await NodeInitializer.InitializeAsync(new NodeInitializer.Request(name, directory, PeerListen: "127.0.0.1:0", LocalListen: "127.0.0.1:0"), CancellationToken.None);
        var host = await NodeHost.StartAsync(directory, configureLogging: Quiet);
        return new TestNode(name, directory, init.AdminToken, host, ownRoot);
    }

    /// <summary>Stops and starts the node again on the same data directory (ports change).</summary>
    public async Task RestartAsync()
    {
        Local.Dispose();
        await Host.DisposeAsync();
        Host = await NodeHost.StartAsync(DataDirectory, configureLogging: Quiet);
        Local = GrpcChannel.ForAddress(Host.LocalAddress);
    }

    /// <summary>Call options carrying <paramref name="token"/> (the admin's by default) and a 30 s deadline.</summary>
    public CallOptions As(string? token = null) =>
        new(new Metadata { { "authorization", "Bearer " + (token ?? AdminToken) } }, DateTime.UtcNow.AddSeconds(30));

    /// <summary>The node's whole audit log, read through the local endpoint as an auditor made for the purpose.</summary>
    public async Task<List<AuditRecord>> AuditRecordsAsync()
    {
        _auditorToken ??= (await Users.AddUserAsync(new AddUserRequest { Name = "test-auditor", Role = Role.Auditor }, As())).Token;
        using var call = Audit.ExportAudit(new ExportAuditRequest(), As(_auditorToken));
        var records = new List<AuditRecord>();
        await foreach (var message in call.ResponseStream.ReadAllAsync())
        {
            records.AddRange(message.Records);
        }

        return records;
    }

    public async ValueTask DisposeAsync()
    {
        Local.Dispose();
        await Host.DisposeAsync();
        if (_ownRoot is not null)
        {
            Directory.Delete(_ownRoot, recursive: true);
        }
    }

    private static void Quiet(ILoggingBuilder logging) => logging.SetMinimumLevel(LogLevel.Warning);
}
