namespace PrivacyNode.Rpc;

/// <summary>
/// Describes one RPC: its shape, its path <c>/package.Service/Method</c> and how its messages are
/// marshalled. Immutable and thread-safe.
/// </summary>
/// <typeparam name="TRequest">The request message type.</typeparam>
/// <typeparam name="TResponse">The response message type.</typeparam>
public sealed class Method<TRequest, TResponse> : IMethod
{
    /// <summary>Creates a method descriptor.</summary>
    /// <param name="type">The call shape.</param>
    /// <param name="serviceName">The fully qualified service name, e.g. <c>grpc.health.v1.Health</c>.</param>
    /// <param name="name">The method name, e.g. <c>Check</c>.</param>
    /// <param name="requestMarshaller">Marshaller for requests.</param>
    /// <param name="responseMarshaller">Marshaller for responses.</param>
    public Method(MethodType type, string serviceName, string name, Marshaller<TRequest> requestMarshaller, Marshaller<TResponse> responseMarshaller)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Type = type;
        ServiceName = serviceName;
        Name = name;
        FullName = $"/{serviceName}/{name}";
        RequestMarshaller = requestMarshaller ?? throw new ArgumentNullException(nameof(requestMarshaller));
        ResponseMarshaller = responseMarshaller ?? throw new ArgumentNullException(nameof(responseMarshaller));
    }

    /// <summary>The call shape.</summary>
    public MethodType Type { get; }

    /// <summary>The fully qualified service name.</summary>
    public string ServiceName { get; }

    /// <summary>The method name.</summary>
    public string Name { get; }

    /// <summary>The HTTP/2 path, <c>/ServiceName/Name</c>.</summary>
    public string FullName { get; }

    /// <summary>Marshaller for requests.</summary>
    public Marshaller<TRequest> RequestMarshaller { get; }

    /// <summary>Marshaller for responses.</summary>
    public Marshaller<TResponse> ResponseMarshaller { get; }

    /// <inheritdoc />
    public override string ToString() => FullName;
}
