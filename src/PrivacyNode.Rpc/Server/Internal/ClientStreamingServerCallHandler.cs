namespace PrivacyNode.Rpc.Server.Internal;

internal sealed class ClientStreamingServerCallHandler<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler)
    : ServerCallHandler
{
    public override async Task HandleAsync(ServerCallContext call)
    {
        var response = await handler(new ServerRequestStream<TRequest>(call, method.RequestMarshaller), call);
        await call.WriteMessageAsync(response, method.ResponseMarshaller, flush: false, call.CancellationToken);
    }
}
