using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using PrivacyNode.Rpc.Internal;

namespace PrivacyNode.Rpc.Client.Internal;

/// <summary>
/// One client call of any shape: sends the HTTP/2 request, reads response messages and the final status.
/// The status is decided once, by whichever comes first: the server's status, a local failure (protocol
/// error, size limit, transport failure), the deadline or cancellation. Local failures reset the stream.
/// </summary>
internal sealed class ClientCall<TRequest, TResponse> : IClientCall, IAsyncStreamReader<TResponse>
{
    private readonly RpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly CancellationTokenSource _callSource;
    private readonly DateTime? _deadline;
    private readonly CancellationTokenSource? _deadlineSource;
    private readonly Lock _lock = new();
    private Status? _status;
    private Metadata? _trailers;
    private HttpResponseMessage? _response;
    private MessageReader? _reader;
    private HttpRequestMessage? _request;
    private StreamingRequestContent? _requestContent;
    private ArrayBufferWriter<byte>? _writeBuffer;
    private int _writing;
    private bool _requestCompleted;
    private volatile bool _disposed;
    private TResponse? _current;

    public ClientCall(RpcChannel channel, Method<TRequest, TResponse> method, CallOptions options)
    {
        _channel = channel;
        _method = method;
        _options = options;
        if (options.Deadline is { } deadline)
        {
            _deadline = deadline.Kind == DateTimeKind.Local ? deadline.ToUniversalTime() : deadline;
            var remaining = _deadline.Value - DateTime.UtcNow;
            _deadlineSource = new CancellationTokenSource();
            if (remaining <= TimeSpan.Zero)
            {
                _deadlineSource.Cancel();
            }
            else if (remaining < TimeSpan.FromDays(49))
            {
                _deadlineSource.CancelAfter(remaining);
            }
        }

        // One source cancels the HTTP request: the caller's token, the deadline timer or Dispose. A token given to one
        // read or write cancels the call too, but is not the deadline.
        CancellationToken[] cancellers = [.. new[] { options.CancellationToken, _deadlineSource?.Token ?? CancellationToken.None }.Where(t => t.CanBeCanceled)];
        _callSource = cancellers.Length > 0 ? CancellationTokenSource.CreateLinkedTokenSource(cancellers) : new CancellationTokenSource();

        ResponseHeadersAsync = Task.FromException<Metadata>(new InvalidOperationException("The call has not started."));
    }

    public Task<Metadata> ResponseHeadersAsync { get; private set; }

    /// <summary>Whether the call was cancelled by its deadline (not by the caller's token, a read's or write's token, or Dispose).</summary>
    private bool DeadlinePassed => _deadlineSource?.IsCancellationRequested == true && !_options.CancellationToken.IsCancellationRequested && !_disposed;

    public TResponse Current => _current ?? throw new InvalidOperationException("No current message: call MoveNextAsync first.");

    /// <summary>Starts a call whose single request is <paramref name="request"/>.</summary>
    public void Start(TRequest request) => Begin(request, streaming: false);

    /// <summary>Starts a call whose requests are written through the returned stream.</summary>
    public IClientStreamWriter<TRequest> StartStreaming()
    {
        Begin(default, streaming: true);
        return new ClientRequestStream(this);
    }

    public Status GetStatus() =>
        _status ?? throw new InvalidOperationException("The status is not available until the call completes.");

    public Metadata GetTrailers() =>
        _status is null ? throw new InvalidOperationException("The trailers are not available until the call completes.") : _trailers ?? new Metadata();

    /// <summary>Reads the single response of a unary or client-streaming call, then the status.</summary>
    public async Task<TResponse> GetResponseAsync()
    {
        try
        {
            await ResponseHeadersAsync;
            if (_reader is null)
            {
                ThrowIfFailed();
                throw new RpcException(StatusCode.Internal, "The server ended the call without a response message.");
            }

            var (hasMessage, message) = await _reader.ReadAsync(_method.ResponseMarshaller, _callSource.Token);
            if (!hasMessage)
            {
                ReadTrailers();
                ThrowIfFailed();
                throw new RpcException(StatusCode.Internal, "The server ended the call without a response message.");
            }

            var (extra, _) = await _reader.ReadAsync(_method.ResponseMarshaller, _callSource.Token);
            if (extra)
            {
                throw new RpcException(StatusCode.Internal, "The server sent more than one response message.");
            }

            ReadTrailers();
            ThrowIfFailed();
            return message!;
        }
        catch (Exception ex)
        {
            throw Fail(ex);
        }
    }

    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            // The read's token cancels the call while it waits for the response headers, too.
            using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _callSource.Token) : null;
            var token = linked?.Token ?? _callSource.Token;
            await ResponseHeadersAsync.WaitAsync(token);
            if (_reader is null)
            {
                ThrowIfFailed();
                return false;
            }

            var (hasMessage, message) = await _reader.ReadAsync(_method.ResponseMarshaller, token);
            if (hasMessage)
            {
                _current = message;
                return true;
            }

            ReadTrailers();
            ThrowIfFailed();
            return false;
        }
        catch (Exception ex)
        {
            throw Fail(ex);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        if (_status is null)
        {
            // Resets the HTTP/2 stream (RST_STREAM CANCEL).
            SetStatus(new Status(StatusCode.Cancelled, "The call was disposed before it completed."), null);
            _callSource.Cancel();
        }

        _requestContent?.Abort();
        _response?.Dispose();
        _request?.Dispose();
        _callSource.Dispose();
        _deadlineSource?.Dispose();
    }

    private void Begin(TRequest? request, bool streaming)
    {
        ResponseHeadersAsync = SendAsync(request, streaming);
        // Failures are reported through the response and status; never as unobserved task exceptions.
        _ = ResponseHeadersAsync.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task<Metadata> SendAsync(TRequest? request, bool streaming)
    {
        try
        {
            var message = _request = CreateRequest(request, streaming);
            if (_deadline is { } deadline)
            {
                var remaining = deadline - DateTime.UtcNow;
                if (remaining <= TimeSpan.Zero)
                {
                    _deadlineSource!.Cancel();
                    throw new OperationCanceledException(_callSource.Token);
                }

                message.Headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(remaining));
            }

            var response = await _channel.Invoker.SendAsync(message, _callSource.Token);
            _response = response;
            return await ReadResponseHeadersAsync(response);
        }
        catch (Exception ex)
        {
            throw Fail(ex);
        }
    }

    private HttpRequestMessage CreateRequest(TRequest? request, bool streaming)
    {
        HttpContent content = streaming
            ? _requestContent = new StreamingRequestContent()
            : new FrameContent(MessageFraming.ToArray(request!, _method.RequestMarshaller, _channel.Options.MaxSendMessageSize));
        var message = new HttpRequestMessage(HttpMethod.Post, _channel.GetUri(_method.FullName))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        var headers = message.Headers;
        headers.TE.Add(new TransferCodingWithQualityHeaderValue(GrpcProtocol.TeTrailers));
        headers.TryAddWithoutValidation("user-agent", _channel.Options.UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.SupportedEncodings);
        if (_options.Headers is { } metadata)
        {
            MetadataCodec.Write(metadata, (k, v) => headers.TryAddWithoutValidation(k, v));
        }

        return message;
    }

    private async Task<Metadata> ReadResponseHeadersAsync(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new RpcException(FromHttpStatus(response.StatusCode), $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}.");
        }

        var headers = MetadataCodec.FromHeaders(response.Headers);
        if (response.Headers.Contains(GrpcProtocol.StatusHeader))
        {
            // Trailers-Only: the status and trailers came in the headers and there is no body.
            SetStatus(ParseStatus(response.Headers), headers);
            return headers;
        }

        var contentType = response.Content.Headers.ContentType?.ToString();
        if (!GrpcProtocol.IsGrpcContentType(contentType))
        {
            throw new RpcException(StatusCode.Internal, $"Bad gRPC response. Invalid content-type value: {contentType}.");
        }

        string? encoding = null;
        if (response.Headers.TryGetValues(GrpcProtocol.EncodingHeader, out var encodings))
        {
            encoding = string.Join(',', encodings);
            if (!GrpcProtocol.IsSupportedEncoding(encoding))
            {
                throw new RpcException(StatusCode.Internal, $"The server used unsupported grpc-encoding '{encoding}'.");
            }
        }

        var body = await response.Content.ReadAsStreamAsync(_callSource.Token);
        _reader = new MessageReader(PipeReader.Create(body), _channel.Options.MaxReceiveMessageSize, encoding);
        return headers;
    }

    private void ReadTrailers()
    {
        var trailing = _response!.TrailingHeaders;
        var trailers = MetadataCodec.FromHeaders(trailing);
        var status = trailing.Contains(GrpcProtocol.StatusHeader)
            ? ParseStatus(trailing)
            : new Status(StatusCode.Internal, "The response ended without a grpc-status trailer.");
        SetStatus(status, trailers);
    }

    private void ThrowIfFailed()
    {
        if (_status is { Code: not StatusCode.OK } status)
        {
            throw new RpcException(status, _trailers);
        }
    }

    /// <summary>Settles the status (first one wins) and returns the exception every caller should see.</summary>
    private RpcException Fail(Exception ex)
    {
        if (ex is RpcException existing && _status == existing.Status)
        {
            return existing;
        }

        var candidate = ex switch
        {
            RpcException rpc => rpc.Status,
            OperationCanceledException or ObjectDisposedException when DeadlinePassed => new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"),
            OperationCanceledException or ObjectDisposedException => new Status(StatusCode.Cancelled, "The call was cancelled."),
            HttpRequestException http => new Status(StatusCode.Unavailable, "Error starting gRPC call: " + Describe(http)),
            HttpProtocolException { ErrorCode: 0x8 } => new Status(StatusCode.Cancelled, "The server cancelled the call."),
            HttpProtocolException protocol => new Status(StatusCode.Internal, $"HTTP/2 error {protocol.ErrorCode}: {protocol.Message}"),
            IOException io => new Status(StatusCode.Unavailable, "Error reading the response: " + Describe(io)),
            _ => new Status(StatusCode.Internal, "Unexpected client error: " + ex.Message),
        };
        var won = SetStatus(candidate, null, replaceOk: true);
        if (won)
        {
            // A local decision: tell the server by resetting the stream.
            _callSource.Cancel();
            _requestContent?.Abort();
        }

        return new RpcException(_status!.Value, _trailers ?? new Metadata());
    }

    /// <summary>Records the final status unless one is set; <paramref name="replaceOk"/> lets a local failure override an OK status.</summary>
    private bool SetStatus(Status status, Metadata? trailers, bool replaceOk = false)
    {
        lock (_lock)
        {
            if (_status is { } existing && !(replaceOk && existing.Code == StatusCode.OK))
            {
                return false;
            }

            _status = status;
            _trailers = trailers ?? new Metadata();
        }

        // The call is over: stop the deadline timer.
        if (_deadlineSource is not null)
        {
            try
            {
                _deadlineSource.CancelAfter(Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
            }
        }

        return true;
    }

    private async Task WriteAsync(TRequest message, CancellationToken cancellationToken)
    {
        if (_requestCompleted)
        {
            throw new InvalidOperationException("The request stream has already been completed.");
        }

        if (_status is { } status)
        {
            throw status.Code == StatusCode.OK
                ? new InvalidOperationException("Cannot write: the call has already completed.")
                : new RpcException(status, _trailers);
        }

        if (Interlocked.Exchange(ref _writing, 1) == 1)
        {
            throw new InvalidOperationException("Only one write may be pending at a time.");
        }

        try
        {
            using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _callSource.Token) : null;
            var token = linked?.Token ?? _callSource.Token;
            var stream = await _requestContent!.GetStreamAsync(token);
            _writeBuffer ??= new ArrayBufferWriter<byte>();
            _writeBuffer.ResetWrittenCount();
            MessageFraming.Write(message, _method.RequestMarshaller, _channel.Options.MaxSendMessageSize, _writeBuffer);
            await stream.WriteAsync(_writeBuffer.WrittenMemory, token);
            await stream.FlushAsync(token);
        }
        catch (Exception ex)
        {
            // If the server already ended the call, its status explains the failed write best.
            if (_status is { Code: not StatusCode.OK } final)
            {
                throw new RpcException(final, _trailers);
            }

            // The server may have ended the call while this message was on its way (it refused, say, and reset the request
            // stream): its status is still in the response. The call is left as it is, so that reading it finds that status.
            var cancelledHere = cancellationToken.IsCancellationRequested || _callSource.IsCancellationRequested || _disposed;
            if (!cancelledHere && ResponseHeadersAsync.IsCompletedSuccessfully && ex is IOException or OperationCanceledException or ObjectDisposedException or HttpRequestException)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "The server stopped reading requests; the response carries the call's status."));
            }

            throw Fail(ex);
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    private Task CompleteRequest()
    {
        _requestCompleted = true;
        _requestContent!.Complete();
        return Task.CompletedTask;
    }

    private static Status ParseStatus(HttpHeaders headers)
    {
        var codeText = headers.TryGetValues(GrpcProtocol.StatusHeader, out var codes) ? codes.FirstOrDefault() : null;
        var detail = headers.TryGetValues(GrpcProtocol.MessageHeader, out var messages) ? PercentEncoding.Decode(messages.First()) : string.Empty;
        return int.TryParse(codeText, NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            ? new Status((StatusCode)code, detail)
            : new Status(StatusCode.Unknown, $"Unexpected grpc-status value '{codeText}'.");
    }

    private static StatusCode FromHttpStatus(HttpStatusCode status) => (int)status switch
    {
        400 => StatusCode.Internal,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.Unimplemented,
        429 or 502 or 503 or 504 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    private static string Describe(Exception ex)
    {
        var message = ex.Message;
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            message += " (" + inner.Message + ")";
        }

        return message;
    }

    private sealed class ClientRequestStream(ClientCall<TRequest, TResponse> call) : IClientStreamWriter<TRequest>
    {
        public Task WriteAsync(TRequest message, CancellationToken cancellationToken = default) => call.WriteAsync(message, cancellationToken);

        public Task CompleteAsync() => call.CompleteRequest();
    }
}
