using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using PrivacyNode.Rpc.Internal;

namespace PrivacyNode.Rpc.Server;

/// <summary>
/// The server side of one call: who is calling, its deadline and metadata, and the response headers and
/// trailers. Handlers receive it with every call.
/// </summary>
/// <remarks>
/// Writes, the deadline and the final status are serialized by one gate, so a deadline that fires while a
/// handler is still running ends the call with <see cref="StatusCode.DeadlineExceeded"/> at once and later
/// writes fail instead of racing it.
/// </remarks>
[SuppressMessage("Design", "CA1001", Justification = "The SemaphoreSlim never allocates a wait handle, so it holds nothing to dispose.")]
public sealed class ServerCallContext
{
    private readonly HttpContext _http;
    private readonly int? _maxSendMessageSize;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _headersSent;
    private bool _completed;

    internal ServerCallContext(HttpContext http, string method, Metadata requestHeaders, DateTime deadline, MessageReader requestReader, int? maxSendMessageSize, CancellationToken cancellationToken)
    {
        _http = http;
        _maxSendMessageSize = maxSendMessageSize;
        Method = method;
        RequestHeaders = requestHeaders;
        Deadline = deadline;
        CancellationToken = cancellationToken;
        RequestReader = requestReader;
        var ip = http.Connection.RemoteIpAddress;
        Peer = ip is null
            ? "unknown"
            : ip.AddressFamily == AddressFamily.InterNetworkV6
                ? string.Create(CultureInfo.InvariantCulture, $"ipv6:[{ip}]:{http.Connection.RemotePort}")
                : string.Create(CultureInfo.InvariantCulture, $"ipv4:{ip}:{http.Connection.RemotePort}");
    }

    /// <summary>The method path, <c>/package.Service/Method</c>.</summary>
    public string Method { get; }

    /// <summary>The caller's transport address, e.g. <c>ipv4:127.0.0.1:50512</c>.</summary>
    public string Peer { get; }

    /// <summary>When the call times out (UTC); <see cref="DateTime.MaxValue"/> when it has no deadline.</summary>
    public DateTime Deadline { get; }

    /// <summary>The request metadata (protocol headers excluded).</summary>
    public Metadata RequestHeaders { get; }

    /// <summary>Trailers to send with the final status. Also sent on failure.</summary>
    public Metadata ResponseTrailers { get; } = new();

    /// <summary>Fires when the client cancels, the connection drops or the deadline passes.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The TLS client certificate, already validated by the endpoint; null on cleartext endpoints.</summary>
    public X509Certificate2? ClientCertificate => _http.Connection.ClientCertificate;

    /// <summary>Per-call state for the application (for example the authenticated caller).</summary>
    public IDictionary<object, object?> Items => _http.Items;

    internal MessageReader RequestReader { get; }

    /// <summary>Sends response headers now, before any message. At most once per call.</summary>
    /// <exception cref="InvalidOperationException">Headers were already sent or the call has completed.</exception>
    public async Task WriteResponseHeadersAsync(Metadata headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        await _gate.WaitAsync(CancellationToken);
        try
        {
            if (_headersSent || _completed)
            {
                throw new InvalidOperationException("Response headers can only be sent once per call, before it completes.");
            }

            PrepareResponseHeaders();
            MetadataCodec.Write(headers, (k, v) => _http.Response.Headers.Append(k, v));
            await _http.Response.BodyWriter.FlushAsync(CancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Writes one response message; <paramref name="flush"/> applies HTTP/2 flow control now.</summary>
    internal async Task WriteMessageAsync<T>(T message, Marshaller<T> marshaller, bool flush, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_completed)
            {
                throw new InvalidOperationException("Cannot write a message: the call has already completed.");
            }

            if (!_headersSent)
            {
                PrepareResponseHeaders();
            }

            MessageFraming.Write(message, marshaller, _maxSendMessageSize, _http.Response.BodyWriter);
            if (flush)
            {
                var result = await _http.Response.BodyWriter.FlushAsync(cancellationToken);
                if (result.IsCanceled || result.IsCompleted)
                {
                    throw new OperationCanceledException("The client is gone.", cancellationToken);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Sends <paramref name="status"/> with <see cref="ResponseTrailers"/>: in the headers (Trailers-Only)
    /// if nothing was sent yet, otherwise as HTTP/2 trailers. Only the first completion counts.
    /// </summary>
    /// <param name="status">The final status.</param>
    /// <param name="endResponse">Also end the HTTP/2 stream now rather than when the request delegate returns.</param>
    internal async Task CompleteAsync(Status status, bool endResponse)
    {
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            var response = _http.Response;
            if (!_headersSent)
            {
                PrepareResponseHeaders();
                WriteStatus(status, (k, v) => response.Headers.Append(k, v));
            }
            else
            {
                WriteStatus(status, (k, v) => response.AppendTrailer(k, v));
            }

            if (endResponse)
            {
                await response.CompleteAsync();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Responds Trailers-Only before a call context exists (unknown method, bad encoding, bad timeout).</summary>
    internal static void WriteTrailersOnly(HttpResponse response, Status status)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers.Append(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.SupportedEncodings);
        WriteStatusHeaders(status, (k, v) => response.Headers.Append(k, v));
    }

    private void PrepareResponseHeaders()
    {
        var response = _http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers.Append(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.SupportedEncodings);
        _headersSent = true;
    }

    private void WriteStatus(Status status, Action<string, string> append)
    {
        WriteStatusHeaders(status, append);
        MetadataCodec.Write(ResponseTrailers, append);
    }

    private static void WriteStatusHeaders(Status status, Action<string, string> append)
    {
        append(GrpcProtocol.StatusHeader, ((int)status.Code).ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(status.Detail))
        {
            append(GrpcProtocol.MessageHeader, PercentEncoding.Encode(status.Detail));
        }
    }
}
