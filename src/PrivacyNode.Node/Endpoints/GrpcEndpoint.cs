using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PrivacyNode.Node.Endpoints;

/// <summary>
/// One listening endpoint: its own Kestrel listener (HTTP/2 only), its own gRPC services, limits and
/// <see cref="EndpointInterceptor"/>. The peer and local endpoints are two of these, so no service can be reached
/// on the other's port.
/// </summary>
internal sealed class GrpcEndpoint : IAsyncDisposable
{
    private ListenOptions? _listener;

    public WebApplication App { get; private set; } = null!;

    /// <summary>The address the started endpoint listens on (the real port when bound to port 0).</summary>
    public IPEndPoint EndPoint => (IPEndPoint)_listener!.EndPoint;

    /// <summary>Builds (does not start) the endpoint.</summary>
    /// <param name="bind">Where to listen.</param>
    /// <param name="configureListener">Transport settings, such as mutual TLS.</param>
    /// <param name="services">The services served.</param>
    /// <param name="interceptor">The endpoint's interceptor.</param>
    /// <param name="maxMessageBytes">The largest message received or sent.</param>
    /// <param name="reflection">Whether to serve gRPC server reflection, so generic tools can list and call the services.</param>
    /// <param name="contentRoot">The node's data directory.</param>
    /// <param name="loggerFactory">Where the endpoint logs.</param>
    public static GrpcEndpoint Build(IPEndPoint bind, Action<ListenOptions> configureListener, EndpointServices services, EndpointInterceptor interceptor,
        int maxMessageBytes, bool reflection, string contentRoot, ILoggerFactory loggerFactory)
    {
        var builder = EndpointApp.CreateBuilder(contentRoot, loggerFactory);
        builder.Services.AddSingleton(interceptor);
        var grpc = builder.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = maxMessageBytes;
            options.MaxSendMessageSize = maxMessageBytes;
            options.EnableDetailedErrors = false;
            options.Interceptors.Add<EndpointInterceptor>();
        });
        if (reflection)
        {
            builder.Services.AddGrpcReflection();
        }

        services.Register(builder.Services, grpc);
        var endpoint = new GrpcEndpoint();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(bind, listen =>
            {
                endpoint._listener = listen;
                listen.Protocols = HttpProtocols.Http2;
                configureListener(listen);
            });
        });

        var app = endpoint.App = builder.Build();
        services.Map(app);
        if (reflection)
        {
            app.MapGrpcReflectionService();
        }

        return endpoint;
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}
