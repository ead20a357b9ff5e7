using PrivacyNode.Contracts;
using PrivacyNode.Rpc;
using PrivacyNode.Rpc.Client;

namespace PrivacyNode.Cli;

/// <summary>
/// The CLI's line to one node's local endpoint. The node is found, in order, from <c>--node</c>, from the
/// <c>run/endpoints.json</c> that a running node publishes in <c>--data-dir</c>, from PRIVACYNODE_NODE, from
/// PRIVACYNODE_DATA_DIR, and finally <c>http://127.0.0.1:7080</c>. The token is <see cref="TokenSource"/>'s.
/// </summary>
internal sealed class NodeConnection : IDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    private readonly string? _token;

    private NodeConnection(Uri address, string? token)
    {
        Address = address;
        _token = token;
        Channel = new RpcChannel(address);
    }

    public Uri Address { get; }

    public RpcChannel Channel { get; }

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

    /// <summary>Makes a unary call with the token and a deadline.</summary>
    public Task<TResponse> CallAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CancellationToken cancellationToken)
    {
        return Channel.UnaryAsync(method, request, CallOptions.WithTimeout(DefaultTimeout, Headers(), cancellationToken));
    }

    /// <summary>Makes a server-streaming call (no deadline: it lasts as long as the node streams) and yields each response.</summary>
    public async IAsyncEnumerable<TResponse> StreamAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var call = Channel.StartServerStreaming(method, request, new CallOptions(Headers(), null, cancellationToken));
        while (await call.ResponseStream.MoveNextAsync(cancellationToken))
        {
            yield return call.ResponseStream.Current;
        }
    }

    private Metadata Headers()
    {
        var headers = new Metadata();
        if (!string.IsNullOrEmpty(_token))
        {
            headers.Add("authorization", "Bearer " + _token);
        }

        return headers;
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
