using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace PrivacyNode.Rpc.Server;

/// <summary>Binds <see cref="RpcRouter"/>s to Kestrel endpoints, so one host can serve different services per endpoint.</summary>
public static class RpcListenOptionsExtensions
{
    private static readonly object RouterKey = new();

    /// <summary>
    /// Makes this endpoint HTTP/2 only (gRPC needs it; with cleartext there is no ALPN to negotiate) and
    /// routes its calls to <paramref name="router"/> when the app uses <see cref="DispatchAsync"/>.
    /// </summary>
    public static ListenOptions UseRpcRouter(this ListenOptions listenOptions, RpcRouter router)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        ArgumentNullException.ThrowIfNull(router);
        listenOptions.Protocols = HttpProtocols.Http2;
        listenOptions.Use(next => connection =>
        {
            connection.Items[RouterKey] = router;
            return next(connection);
        });
        return listenOptions;
    }

    /// <summary>The terminal request delegate: hands the request to the router of the endpoint it arrived on.</summary>
    public static Task DispatchAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(RouterKey, out var value) == true && value is RpcRouter router)
        {
            return router.HandleAsync(context);
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
