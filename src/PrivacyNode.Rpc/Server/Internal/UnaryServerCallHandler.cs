namespace PrivacyNode.Rpc.Server.Internal;

internal sealed class UnaryServerCallHandler<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler)
    : ServerCallHandler
{
    public override async Task HandleAsync(ServerCallContext call)
    {
        var request = await call.RequestReader.ReadSingleAsync(method.RequestMarshaller, "request", call.CancellationToken);
        var response = await handler(request, call);
        // No flush: headers, the message and trailers leave together when the call completes.
        await call.WriteMessageAsync(response, method.ResponseMarshaller, flush: false, call.CancellationToken);
    }
}
