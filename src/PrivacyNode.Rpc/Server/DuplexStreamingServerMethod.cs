namespace PrivacyNode.Rpc.Server;

/// <summary>Handles a bidirectional-streaming call; reading and writing may interleave freely.</summary>
public delegate Task DuplexStreamingServerMethod<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IAsyncStreamWriter<TResponse> responseStream, ServerCallContext context);
