namespace PrivacyNode.Rpc.Server.Internal;

internal sealed class ServerStreamingServerCallHandler<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler)
    : ServerCallHandler
{
    public override async Task HandleAsync(ServerCallContext call)
    {
        var request = await call.RequestReader.ReadSingleAsync(method.RequestMarshaller, "request", call.CancellationToken);
        await handler(request, new ServerResponseStream<TResponse>(call, method.ResponseMarshaller), call);
    }
}
