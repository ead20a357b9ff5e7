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
    private readonly List<Action<IServiceCollection>> _registrations = [];
    private readonly List<Action<IGrpcServerBuilder>> _options = [];
    private readonly List<Action<IEndpointRouteBuilder>> _mappings = [];
    private readonly List<(ServiceDescriptor Descriptor, Type Implementation)> _services = [];

    public EndpointServices() => Add(Health, Grpc.Health.V1.Health.Descriptor);

    /// <summary>The endpoint's health service.</summary>
    public HealthServiceImpl Health { get; } = new();

    /// <summary>Each service with the class that implements it.</summary>
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
        _registrations.Add(services => services.AddSingleton(service));
        if (compressResponses)
        {
            _options.Add(grpc => grpc.AddServiceOptions<TService>(options =>
            {
                options.ResponseCompressionAlgorithm = "gzip";
                options.ResponseCompressionLevel = System.IO.Compression.CompressionLevel.Fastest;
            }));
        }

        _mappings.Add(endpoints => endpoints.MapGrpcService<TService>());
        _services.Add((descriptor, typeof(TService)));
        return this;
    }

    internal void Register(IServiceCollection services, IGrpcServerBuilder grpc)
    {
        _registrations.ForEach(register => register(services));
        _options.ForEach(configure => configure(grpc));
    }

    internal void Map(IEndpointRouteBuilder endpoints) => _mappings.ForEach(map => map(endpoints));

    /// <summary>Reports the server and every service as <paramref name="status"/>.</summary>
    public void SetStatus(HealthCheckResponse.Types.ServingStatus status)
    {
        Health.SetStatus("", status);
        foreach (var (descriptor, _) in _services)
        {
            Health.SetStatus(descriptor.FullName, status);
        }
    }
}
