using Grpc.Health.V1;
using Grpc.AspNetCore.Server;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace PrivacyNode.Node.Endpoints;

/// <summary>
/// The gRPC services one endpoint serves, as instances built by the composition root, and that endpoint's
/// standard health service: SERVING for the whole server ("") and each service once started, NOT_SERVING for all
/// of them from the moment shutdown begins (Watch streams see the change).
/// </summary>
public sealed class EndpointServices
{
    private readonly HealthServiceImpl _health = new();
    private readonly List<Action<IServiceCollection, IGrpcServerBuilder>> _registrations = [];
    private readonly List<Action<IEndpointRouteBuilder>> _mappings = [];
    private readonly List<(ServiceDescriptor Descriptor, Type Implementation)> _services = [];

    /// <summary>Each service added, with the class that implements it (health, served on every endpoint, is not among them).</summary>
    public IReadOnlyList<(ServiceDescriptor Descriptor, Type Implementation)> Services => _services;

    /// <summary>
    /// Serves <paramref name="service"/>, which implements <paramref name="descriptor"/>; with <paramref name="compressResponses"/>, its
    /// responses are gzip-compressed for callers that accept gzip (for text-heavy answers; ciphertexts and group elements do not shrink).
    /// </summary>
    public EndpointServices Add<TService>(TService service, ServiceDescriptor descriptor, bool compressResponses = false)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(descriptor);
        _registrations.Add((services, grpc) =>
        {
            services.AddSingleton(service);
            if (compressResponses)
            {
                grpc.AddServiceOptions<TService>(options =>
                {
                    options.ResponseCompressionAlgorithm = "gzip";
                    options.ResponseCompressionLevel = System.IO.Compression.CompressionLevel.Fastest;
                });
            }
        });
        _mappings.Add(endpoints => endpoints.MapGrpcService<TService>());
        _services.Add((descriptor, typeof(TService)));
        return this;
    }

    /// <summary>Reports the server and every service as <paramref name="status"/>.</summary>
    public void SetStatus(HealthCheckResponse.Types.ServingStatus status)
    {
        _health.SetStatus("", status);
        foreach (var (descriptor, _) in _services)
        {
            _health.SetStatus(descriptor.FullName, status);
        }
    }

    internal void Register(IServiceCollection services, IGrpcServerBuilder grpc)
    {
        services.AddSingleton(_health);
        _registrations.ForEach(register => register(services, grpc));
    }

    internal void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<HealthServiceImpl>();
        _mappings.ForEach(map => map(endpoints));
    }
}
