using Grpc.Core;

namespace PrivacyNode.Node.Jobs;

/// <summary>Reading a peer's request stream message by message, in the order a protocol fixes.</summary>
internal static class RequestStream
{
    /// <summary>
    /// The next message, which must be of case <paramref name="expected"/> (any case when null); null at the end of the
    /// stream.
    /// </summary>
    /// <exception cref="RpcException">INVALID_ARGUMENT: a message of another case.</exception>
    public static async Task<T?> NextAsync<T, TCase>(IAsyncStreamReader<T> requests, Func<T, TCase> caseOf, TCase? expected, CancellationToken cancellationToken)
        where T : class
        where TCase : struct, Enum
    {
        if (!await requests.MoveNext(cancellationToken))
        {
            return null;
        }

        var message = requests.Current;
        return expected is null || caseOf(message).Equals(expected.Value)
            ? message
            : throw new RpcException(new Status(StatusCode.InvalidArgument, $"Expected {expected}, got {caseOf(message)}."));
    }
}
