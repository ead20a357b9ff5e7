using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace PrivacyNode.Node.Endpoints;

/// <summary>
/// The one interceptor of an endpoint. Before the handler: <see cref="EndpointRules.Authorize"/> (throw an
/// <see cref="RpcException"/> to refuse). Around it: every <see cref="RpcException"/> from the authorizer or the
/// handler goes to <see cref="EndpointRules.Refused"/> before its status is sent; any other exception is logged and
/// becomes UNKNOWN with a generic message (the caller learns nothing of the node's internals), unless
/// <see cref="EndpointRules.Translate"/> names the machine state behind it (a full disk, say); a call still
/// running after <see cref="EndpointRules.MaxDeadline"/> is aborted, whatever deadline the caller sent. Every exception goes to
/// <see cref="EndpointRules.Ended"/> first.
/// </summary>
/// <remarks>Thread-safe; one instance serves every call of its endpoint.</remarks>
public sealed class EndpointInterceptor(EndpointRules rules, ILogger logger) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        GuardAsync(context, () => continuation(request, context));

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        GuardAsync(context, () => continuation(requestStream, context));

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        GuardAsync(context, async () =>
        {
            await continuation(request, responseStream, context);
            return true;
        });

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        GuardAsync(context, async () =>
        {
            await continuation(requestStream, responseStream, context);
            return true;
        });

    private async Task<T> GuardAsync<T>(ServerCallContext context, Func<Task<T>> handler)
    {
        using var limit = LimitDeadline(context);
        try
        {
            await rules.Authorize(context);
            return await handler();
        }
        catch (RpcException refusal)
        {
            await EndedAsync(context, refusal);
            NodeLog.CallRefused(logger, context.Method, refusal.StatusCode, refusal.Status.Detail);
            await AuditAsync(context, refusal);
            throw;
        }
        catch (OperationCanceledException gone) when (context.CancellationToken.IsCancellationRequested)
        {
            // The caller went away or its deadline passed; grpc-dotnet reports that status itself.
            await EndedAsync(context, gone);
            throw;
        }
        catch (Exception ex)
        {
            await EndedAsync(context, ex);
            NodeLog.CallFailed(logger, context.Method, ex);
            var failure = rules.Translate?.Invoke(ex) ?? new RpcException(new Status(StatusCode.Unknown, "Exception was thrown by handler."));
            await AuditAsync(context, failure);
            throw failure;
        }
    }

    private Task EndedAsync(ServerCallContext context, Exception ex) => HookAsync(rules.Ended, context, ex, NodeLog.CallEndNotRecorded);

    private Task AuditAsync(ServerCallContext context, RpcException refusal) => HookAsync(rules.Refused, context, refusal, NodeLog.RefusalNotAudited);

    /// <summary>Runs <paramref name="hook"/>, if set; its own failure is logged with <paramref name="failed"/>, never thrown.</summary>
    private async Task HookAsync<T>(Func<ServerCallContext, T, ValueTask>? hook, ServerCallContext context, T argument, Action<ILogger, string, Exception> failed)
    {
        if (hook is null)
        {
            return;
        }

        try
        {
            await hook(context, argument);
        }
        catch (Exception ex)
        {
            failed(logger, context.Method, ex);
        }
    }

    private CancellationTokenRegistration LimitDeadline(ServerCallContext context)
    {
        if (rules.MaxDeadline is not { } max || context.Deadline - DateTime.UtcNow <= max)
        {
            return default;
        }

        var http = context.GetHttpContext();
        var timer = new CancellationTokenSource(max);
        var registration = timer.Token.Register(() =>
        {
            NodeLog.CallOutlivedMaxDeadline(logger, context.Method, max);
            http.Abort();
        });
        // The registration's disposal does not free the timer: dispose it when the call ends.
        http.Response.RegisterForDispose(timer);
        return registration;
    }
}
