using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PrivacyNode.Rpc.Internal;
using PrivacyNode.Rpc.Server.Internal;

namespace PrivacyNode.Rpc.Server;

/// <summary>
/// Serves gRPC calls on an HTTP/2 endpoint: the terminal request delegate that routes
/// <c>/package.Service/Method</c> to the mapped handler and turns every outcome into a gRPC status.
/// </summary>
/// <remarks>
/// Map all methods before the first call; after that the router is read-only and thread-safe.
/// Unknown methods get <see cref="StatusCode.Unimplemented"/>. A handler's <see cref="RpcException"/>
/// becomes its status; any other exception becomes <see cref="StatusCode.Unknown"/> with a generic
/// message, the details going to the local log only.
/// </remarks>
public sealed class RpcRouter
{
    /// <summary>The longest deadline a timer can run.</summary>
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(int.MaxValue - 1);

    private readonly Dictionary<string, ServerCallHandler> _handlers = new(StringComparer.Ordinal);
    private readonly RpcServerOptions _options;
    private readonly Func<ServerCallContext, ValueTask>? _authorize;
    private readonly Func<ServerCallContext, RpcException, ValueTask>? _refused;
    private readonly ILogger _logger;

    /// <summary>Creates a router.</summary>
    /// <param name="options">Limits; defaults when null.</param>
    /// <param name="authorize">
    /// Runs before every mapped call, after the request headers arrive and before the request is read;
    /// throw an <see cref="RpcException"/> to refuse the call.
    /// </param>
    /// <param name="logger">Where failures are logged.</param>
    /// <param name="refused">
    /// Runs when the authorizer or the handler refused the call with an <see cref="RpcException"/>, before its
    /// status is sent (to record refusals). Its own failures are logged; the refusal's status is sent regardless.
    /// </param>
    public RpcRouter(RpcServerOptions? options = null, Func<ServerCallContext, ValueTask>? authorize = null, ILogger? logger = null, Func<ServerCallContext, RpcException, ValueTask>? refused = null)
    {
        _options = options ?? new RpcServerOptions();
        _authorize = authorize;
        _refused = refused;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The paths of all mapped methods.</summary>
    public IReadOnlyCollection<string> Paths => _handlers.Keys;

    /// <summary>Maps a unary method.</summary>
    public RpcRouter MapUnary<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler) =>
        Map(method, MethodType.Unary, new UnaryServerCallHandler<TRequest, TResponse>(method, handler));

    /// <summary>Maps a server-streaming method.</summary>
    public RpcRouter MapServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler) =>
        Map(method, MethodType.ServerStreaming, new ServerStreamingServerCallHandler<TRequest, TResponse>(method, handler));

    /// <summary>Maps a client-streaming method.</summary>
    public RpcRouter MapClientStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler) =>
        Map(method, MethodType.ClientStreaming, new ClientStreamingServerCallHandler<TRequest, TResponse>(method, handler));

    /// <summary>Maps a bidirectional-streaming method.</summary>
    public RpcRouter MapDuplexStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler) =>
        Map(method, MethodType.DuplexStreaming, new DuplexStreamingServerCallHandler<TRequest, TResponse>(method, handler));

    /// <summary>The request delegate: handles one HTTP request as a gRPC call.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var response = context.Response;
        if (!HttpMethods.IsPost(request.Method))
        {
            RpcServerLog.RequestRejected(_logger, request.Path.Value, "method", request.Method);
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            RpcServerLog.RequestRejected(_logger, request.Path.Value, "content-type", request.ContentType);
            RespondHttpError(response, StatusCodes.Status415UnsupportedMediaType, $"Content-Type '{request.ContentType}' is not supported.");
            return;
        }

        if (!HttpProtocol.IsHttp2(request.Protocol))
        {
            RpcServerLog.RequestRejected(_logger, request.Path.Value, "protocol", request.Protocol);
            RespondHttpError(response, StatusCodes.Status426UpgradeRequired, $"Request protocol '{request.Protocol}' is not supported; gRPC needs HTTP/2.");
            return;
        }

        var path = request.Path.Value ?? string.Empty;
        if (!_handlers.TryGetValue(path, out var handler))
        {
            RpcServerLog.UnimplementedMethod(_logger, path);
            ServerCallContext.WriteTrailersOnly(response, new Status(StatusCode.Unimplemented, $"Method {path} is unimplemented."));
            return;
        }

        var encoding = request.Headers[GrpcProtocol.EncodingHeader].ToString();
        if (encoding.Length == 0)
        {
            encoding = GrpcProtocol.IdentityEncoding;
        }

        if (!GrpcProtocol.IsSupportedEncoding(encoding))
        {
            ServerCallContext.WriteTrailersOnly(response, new Status(StatusCode.Unimplemented, $"Unsupported grpc-encoding '{encoding}'; supported: {GrpcProtocol.SupportedEncodings}."));
            return;
        }

        TimeSpan? timeout = null;
        var timeoutText = request.Headers[GrpcProtocol.TimeoutHeader].ToString();
        if (timeoutText.Length > 0)
        {
            if (!GrpcTimeout.TryParse(timeoutText, out var parsed))
            {
                ServerCallContext.WriteTrailersOnly(response, new Status(StatusCode.Internal, $"Invalid grpc-timeout header '{timeoutText}'."));
                return;
            }

            timeout = parsed;
        }

        if (_options.MaxDeadline is { } max && (timeout is null || timeout > max))
        {
            timeout = max;
        }

        // A timer runs at most int.MaxValue - 1 ms (about 24.8 days); a longer deadline (up to 99,999,999 hours may be sent) is that.
        if (timeout > MaxTimerDelay)
        {
            timeout = MaxTimerDelay;
        }

        Metadata requestHeaders;
        try
        {
            requestHeaders = MetadataCodec.FromHeaders(request.Headers);
        }
        catch (RpcException ex)
        {
            ServerCallContext.WriteTrailersOnly(response, ex.Status);
            return;
        }

        // gRPC requests are long-lived streams: Kestrel's body size cap does not apply, and its minimum upload rate only until the call is authorized.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = null;
        }

        await RunCallAsync(context, path, handler, requestHeaders, encoding, timeout);
    }

    private async Task RunCallAsync(HttpContext context, string path, ServerCallHandler handler, Metadata requestHeaders, string encoding, TimeSpan? timeout)
    {
        // Without a deadline, the call's token is just the client's reset of the stream.
        using var deadlineSource = timeout is { } t ? new CancellationTokenSource(t) : null;
        using var callSource = deadlineSource is null ? null : CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, deadlineSource.Token);
        var deadline = timeout is { } d ? DateTime.UtcNow + d : DateTime.MaxValue;
        var reader = new MessageReader(context.Request.BodyReader, _options.MaxReceiveMessageSize, encoding);
        var call = new ServerCallContext(context, path, requestHeaders, deadline, reader, _options.MaxSendMessageSize, callSource?.Token ?? context.RequestAborted);

        Task? deadlineCompletion = null;
        var registration = deadlineSource?.Token.Register(() => deadlineCompletion = CompleteOnDeadlineAsync(call)) ?? default;

        Status? status;
        try
        {
            if (_authorize is not null)
            {
                await _authorize(call);
            }

            if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rateFeature)
            {
                rateFeature.MinDataRate = null;
            }

            await handler.HandleAsync(call);
            status = Status.Ok;
        }
        catch (Exception ex)
        {
            status = ToStatus(ex, call, deadlineSource?.IsCancellationRequested == true, context.RequestAborted.IsCancellationRequested);
            if (ex is RpcException refusal && _refused is not null)
            {
                await NotifyRefusedAsync(call, refusal);
            }
        }

        await registration.DisposeAsync();
        if (deadlineCompletion is not null)
        {
            await deadlineCompletion;
        }

        if (status is { } final)
        {
            await call.CompleteAsync(final, endResponse: false);
        }
    }

    private async Task CompleteOnDeadlineAsync(ServerCallContext call)
    {
        RpcServerLog.DeadlineExceeded(_logger, call.Method);
        try
        {
            await call.CompleteAsync(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"), endResponse: true);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            RpcServerLog.DeadlineCompletionFailed(_logger, call.Method, ex);
        }
    }

    private async Task NotifyRefusedAsync(ServerCallContext call, RpcException refusal)
    {
        try
        {
            await _refused!(call, refusal);
        }
        catch (Exception ex)
        {
            RpcServerLog.RefusalHookFailed(_logger, call.Method, ex);
        }
    }

    /// <summary>The single funnel from a failure to the status sent; null when nothing can be sent.</summary>
    private Status? ToStatus(Exception ex, ServerCallContext call, bool deadlinePassed, bool clientGone)
    {
        if (ex is RpcException rpc)
        {
            RpcServerLog.RpcExceptionThrown(_logger, call.Method, rpc.StatusCode, rpc.Status.Detail);
            foreach (var entry in rpc.Trailers)
            {
                call.ResponseTrailers.Add(entry);
            }

            return rpc.Status;
        }

        if (deadlinePassed)
        {
            return new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }

        if (clientGone)
        {
            RpcServerLog.CallCancelledByClient(_logger, call.Method);
            return null;
        }

        RpcServerLog.HandlerFailed(_logger, call.Method, ex);
        return new Status(StatusCode.Unknown, "Exception was thrown by handler.");
    }

    private RpcRouter Map(IMethod method, MethodType expected, ServerCallHandler handler)
    {
        if (method.Type != expected)
        {
            throw new ArgumentException($"{method.FullName} is a {method.Type} method, not {expected}.", nameof(method));
        }

        if (!_handlers.TryAdd(method.FullName, handler))
        {
            throw new ArgumentException($"{method.FullName} is already mapped.", nameof(method));
        }

        return this;
    }

    private static void RespondHttpError(HttpResponse response, int httpStatus, string message)
    {
        response.StatusCode = httpStatus;
        response.Headers.Append(GrpcProtocol.StatusHeader, "13");
        response.Headers.Append(GrpcProtocol.MessageHeader, PercentEncoding.Encode(message));
    }
}
