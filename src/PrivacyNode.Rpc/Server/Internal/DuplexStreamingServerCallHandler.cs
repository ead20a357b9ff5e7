namespace PrivacyNode.Rpc.Server.Internal;

internal sealed class DuplexStreamingServerCallHandler<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler)
    : ServerCallHandler
{
    public override Task HandleAsync(ServerCallContext call) =>
        handler(
            new ServerRequestStream<TRequest>(call, method.RequestMarshaller),
            new ServerResponseStream<TResponse>(call, method.ResponseMarshaller),
            call);
}
