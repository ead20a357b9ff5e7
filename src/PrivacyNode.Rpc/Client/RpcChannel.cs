using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using PrivacyNode.Rpc.Client.Internal;

namespace PrivacyNode.Rpc.Client;

/// <summary>
/// A connection pool to one gRPC server: h2c with prior knowledge for <c>http://</c>, TLS with ALPN
/// <c>h2</c> for <c>https://</c>. Opens more HTTP/2 connections when the server's stream limit is reached.
/// </summary>
/// <remarks>Thread-safe; create one per server and reuse it.</remarks>
public sealed class RpcChannel : IDisposable
{
    /// <summary>Creates a channel with its own <see cref="SocketsHttpHandler"/>.</summary>
    /// <param name="address">The server, <c>http://host:port</c> or <c>https://host:port</c>.</param>
    /// <param name="options">Limits and TLS settings; defaults when null.</param>
    /// <exception cref="ArgumentException">The address is not an absolute http or https URI.</exception>
    public RpcChannel(Uri address, RpcChannelOptions? options = null)
        : this(address, CreateHandler(options ?? new RpcChannelOptions()), options)
    {
    }

    /// <summary>Creates a channel over a caller-supplied handler (for example an in-memory test server's).</summary>
    public RpcChannel(Uri address, HttpMessageHandler handler, RpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(handler);
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{address}' is not an http:// or https:// address.", nameof(address));
        }

        Address = address;
        Options = options ?? new RpcChannelOptions();
        Invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    /// <summary>The server address.</summary>
    public Uri Address { get; }

    internal RpcChannelOptions Options { get; }

    internal HttpMessageInvoker Invoker { get; }

    /// <summary>Makes a unary call and returns its response.</summary>
    /// <exception cref="RpcException">The call failed.</exception>
    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
    {
        using var call = StartUnary(method, request, options);
        return await call.ResponseAsync;
    }

    /// <summary>Starts a unary call; the returned object also exposes headers, status and trailers.</summary>
    public AsyncUnaryCall<TResponse> StartUnary<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
    {
        var call = Create(method, MethodType.Unary, options);
        call.Start(request);
        return new AsyncUnaryCall<TResponse>(call, call.GetResponseAsync());
    }

    /// <summary>Starts a server-streaming call.</summary>
    public AsyncServerStreamingCall<TResponse> StartServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
    {
        var call = Create(method, MethodType.ServerStreaming, options);
        call.Start(request);
        return new AsyncServerStreamingCall<TResponse>(call, call);
    }

    /// <summary>Starts a client-streaming call.</summary>
    public AsyncClientStreamingCall<TRequest, TResponse> StartClientStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options = default)
    {
        var call = Create(method, MethodType.ClientStreaming, options);
        var requestStream = call.StartStreaming();
        return new AsyncClientStreamingCall<TRequest, TResponse>(call, requestStream, call.GetResponseAsync());
    }

    /// <summary>Starts a bidirectional-streaming call.</summary>
    public AsyncDuplexStreamingCall<TRequest, TResponse> StartDuplexStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options = default)
    {
        var call = Create(method, MethodType.DuplexStreaming, options);
        var requestStream = call.StartStreaming();
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(call, requestStream, call);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Invoker.Dispose();
    }

    internal Uri GetUri(string path) => new(Address, path);

    private ClientCall<TRequest, TResponse> Create<TRequest, TResponse>(Method<TRequest, TResponse> method, MethodType expected, CallOptions options)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method.Type != expected)
        {
            throw new ArgumentException($"{method.FullName} is a {method.Type} method, not {expected}.", nameof(method));
        }

        return new ClientCall<TRequest, TResponse>(this, method, options);
    }

    private static SocketsHttpHandler CreateHandler(RpcChannelOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            ConnectTimeout = options.ConnectTimeout,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        var ssl = new SslClientAuthenticationOptions();
        if (options.ClientCertificate is { } certificate)
        {
            // Sent whatever CA names the server lists: node certificates are self-signed and pinned.
            ssl.ClientCertificateContext = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
        }

        if (options.ServerCertificateValidator is { } validate)
        {
            ssl.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is X509Certificate2 full ? validate(full) : certificate is not null && validate(new X509Certificate2(certificate));
        }

        handler.SslOptions = ssl;
        return handler;
    }
}
