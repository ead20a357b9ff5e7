namespace PrivacyNode.Rpc.Server;

/// <summary>Handles a client-streaming call: messages read from <paramref name="requestStream"/>, one response out.</summary>
public delegate Task<TResponse> ClientStreamingServerMethod<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context);
