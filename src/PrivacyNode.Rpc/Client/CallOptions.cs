namespace PrivacyNode.Rpc.Client;

/// <summary>Per-call settings.</summary>
/// <param name="Headers">Request metadata.</param>
/// <param name="Deadline">When the call must be over (UTC); also sent to the server as <c>grpc-timeout</c>.</param>
/// <param name="CancellationToken">Cancels the call (the stream is reset; the status is <see cref="StatusCode.Cancelled"/>).</param>
public readonly record struct CallOptions(Metadata? Headers = null, DateTime? Deadline = null, CancellationToken CancellationToken = default)
{
    /// <summary>Options with a deadline <paramref name="timeout"/> from now.</summary>
    public static CallOptions WithTimeout(TimeSpan timeout, Metadata? headers = null, CancellationToken cancellationToken = default) =>
        new(headers, DateTime.UtcNow + timeout, cancellationToken);
}
