using Grpc.Health.V1;
using PrivacyNode.Contracts;
using PrivacyNode.Rpc;
using PrivacyNode.Rpc.Server;
using static Grpc.Health.V1.HealthCheckResponse.Types;

namespace PrivacyNode.Node.Services;

/// <summary>
/// The standard health service for one endpoint: SERVING for the node ("") and for each service the
/// endpoint serves, NOT_FOUND for others; NOT_SERVING once the node begins to shut down.
/// </summary>
public sealed class HealthRpcService
{
    private readonly HashSet<string> _services = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private ServingStatus _status = ServingStatus.Serving;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Maps Check and Watch and learns the services served from <paramref name="router"/>'s paths.</summary>
    public void Map(RpcRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        router.MapUnary(HealthServiceDescriptor.Check, CheckAsync);
        router.MapServerStreaming(HealthServiceDescriptor.Watch, WatchAsync);
    }

    /// <summary>Records the services mapped on the endpoint (call after all are mapped).</summary>
    public void LearnServices(RpcRouter router)
    {
        ArgumentNullException.ThrowIfNull(router);
        foreach (var path in router.Paths)
        {
            _services.Add(path.Split('/')[1]);
        }
    }

    /// <summary>Reports NOT_SERVING from now on (shutdown).</summary>
    public void SetNotServing()
    {
        lock (_lock)
        {
            _status = ServingStatus.NotServing;
            _changed.TrySetResult();
        }
    }

    private Task<HealthCheckResponse> CheckAsync(HealthCheckRequest request, ServerCallContext context)
    {
        if (!IsKnown(request.Service))
        {
            throw new RpcException(StatusCode.NotFound, $"Unknown service '{request.Service}'.");
        }

        lock (_lock)
        {
            return Task.FromResult(new HealthCheckResponse { Status = _status });
        }
    }

    private async Task WatchAsync(HealthCheckRequest request, IAsyncStreamWriter<HealthCheckResponse> responses, ServerCallContext context)
    {
        ServingStatus? sent = null;
        while (!context.CancellationToken.IsCancellationRequested)
        {
            Task changed;
            ServingStatus status;
            lock (_lock)
            {
                status = IsKnown(request.Service) ? _status : ServingStatus.ServiceUnknown;
                changed = _changed.Task;
            }

            if (status != sent)
            {
                await responses.WriteAsync(new HealthCheckResponse { Status = status });
                sent = status;
            }

            if (status == ServingStatus.NotServing)
            {
                return;
            }

            await changed.WaitAsync(context.CancellationToken);
        }
    }

    private bool IsKnown(string service) => service.Length == 0 || _services.Contains(service);
}
