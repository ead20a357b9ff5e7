namespace PrivacyNode.Rpc;

/// <summary>
/// A call failed with a non-OK <see cref="Rpc.Status"/>. Thrown by the client for failed calls and by
/// service code to end a call with a specific status and trailers.
/// </summary>
public sealed class RpcException : Exception
{
    /// <summary>Creates an exception for <paramref name="status"/> with optional trailers.</summary>
    public RpcException(Status status, Metadata? trailers = null)
        : base(status.ToString())
    {
        Status = status;
        Trailers = trailers ?? new Metadata();
    }

    /// <summary>Creates an exception with the given code and detail.</summary>
    public RpcException(StatusCode code, string detail)
        : this(new Status(code, detail))
    {
    }

    /// <summary>Creates an exception for <paramref name="status"/> caused by <paramref name="innerException"/>.</summary>
    public RpcException(Status status, Exception innerException)
        : base(status.ToString(), innerException)
    {
        Status = status;
        Trailers = new Metadata();
    }

    /// <summary>The status of the failed call.</summary>
    public Status Status { get; }

    /// <summary>The status code, shorthand for <c>Status.Code</c>.</summary>
    public StatusCode StatusCode => Status.Code;

    /// <summary>Trailing metadata sent with (server) or received with (client) the status.</summary>
    public Metadata Trailers { get; }
}
