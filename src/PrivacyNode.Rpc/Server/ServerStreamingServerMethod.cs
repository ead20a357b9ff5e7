namespace PrivacyNode.Rpc.Server;

/// <summary>Handles a server-streaming call: one request in, messages written to <paramref name="responseStream"/>.</summary>
public delegate Task ServerStreamingServerMethod<TRequest, TResponse>(TRequest request, IAsyncStreamWriter<TResponse> responseStream, ServerCallContext context);
