using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Cli;

/// <summary>
/// The CLI's line to one node's local endpoint. The node is found, in order, from <c>--node</c>, from the
/// <c>run/endpoints.json</c> that a running node publishes in <c>--data-dir</c>, from PRIVACYNODE_NODE, from
/// PRIVACYNODE_DATA_DIR, and finally <c>http://127.0.0.1:7080</c>. The token is <see cref="TokenSource"/>'s.
/// </summary>
internal sealed class NodeConnection : IDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private NodeConnection(Uri address, string? token)
    {
        Address = address;
        Channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { UseProxy = false }, DisposeHttpClient = true });
        // The token goes with every call, as the local endpoint's bearer scheme asks.
        var invoker = string.IsNullOrEmpty(token) ? Channel.CreateCallInvoker() : Channel.Intercept(headers =>
        {
            headers.Add("authorization", "Bearer " + token);
            return headers;
        });
        Identity = new(invoker);
        Peers = new(invoker);
        Users = new(invoker);
        Catalog = new(invoker);
        Access = new(invoker);
        Jobs = new(invoker);
        Audit = new(invoker);
    }

    public Uri Address { get; }

    public GrpcChannel Channel { get; }

    public IdentityService.IdentityServiceClient Identity { get; }

    public PeerService.PeerServiceClient Peers { get; }

    public UserService.UserServiceClient Users { get; }

    public CatalogService.CatalogServiceClient Catalog { get; }

    public AccessService.AccessServiceClient Access { get; }

    public JobService.JobServiceClient Jobs { get; }

    public AuditService.AuditServiceClient Audit { get; }

    public static NodeConnection Resolve(string? node, string? dataDirectory, string? token, CliEnvironment environment)
    {
        if (!string.IsNullOrEmpty(node))
        {
            return new NodeConnection(ParseAddress(node), token);
        }

        if (!string.IsNullOrEmpty(dataDirectory))
        {
            return new NodeConnection(FromDataDirectory(dataDirectory), token);
        }

        if (environment.GetVariable("PRIVACYNODE_NODE") is { Length: > 0 } fromEnvironment)
        {
            return new NodeConnection(ParseAddress(fromEnvironment), token);
        }

        if (environment.GetVariable("PRIVACYNODE_DATA_DIR") is { Length: > 0 } directoryFromEnvironment)
        {
            return new NodeConnection(FromDataDirectory(directoryFromEnvironment), token);
        }

        return new NodeConnection(new Uri("http://127.0.0.1:7080"), token);
    }

    /// <summary>Options for a unary call: a deadline and <paramref name="cancellationToken"/>.</summary>
    public static CallOptions Options(CancellationToken cancellationToken) => new(deadline: DateTime.UtcNow + DefaultTimeout, cancellationToken: cancellationToken);

    /// <summary>
    /// Options for a unary call whose time grows with a dataset the node reads whole (registering one: 91.5 million rows take
    /// minutes): no deadline, only <paramref name="cancellationToken"/> (Ctrl-C).
    /// </summary>
    public static CallOptions WholeSourceOptions(CancellationToken cancellationToken) => new(cancellationToken: cancellationToken);

    /// <summary>Makes the server-streaming call <paramref name="start"/> (no deadline: it lasts as long as the node streams) and yields each response.</summary>
    public static async IAsyncEnumerable<TResponse> StreamAsync<TResponse>(Func<CallOptions, AsyncServerStreamingCall<TResponse>> start, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var call = start(new CallOptions(cancellationToken: cancellationToken));
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            yield return call.ResponseStream.Current;
        }
    }

    public void Dispose() => Channel.Dispose();

    private static Uri ParseAddress(string text)
    {
        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new CliException(ExitCodes.Usage, $"--node must be the node's local endpoint, like http://127.0.0.1:7080; got '{text}'.");
        }

        return uri;
    }

    private static Uri FromDataDirectory(string dataDirectory)
    {
        var info = NodeRuntimeInfo.TryRead(dataDirectory)
            ?? throw new CliException(ExitCodes.Unavailable, $"No node is running from '{Path.GetFullPath(dataDirectory)}' (it has no run/endpoints.json). Start it with: privacynode serve --data-dir {dataDirectory}");
        return new Uri(info.Local);
    }
}
