using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace PrivacyNode.Rpc;

/// <summary>Builds <see cref="Method{TRequest, TResponse}"/> objects from protoc-generated service descriptors.</summary>
public static class ProtobufMethod
{
    /// <summary>
    /// Describes method <paramref name="name"/> of <paramref name="service"/>. The call shape comes from the
    /// descriptor; the CLR types must be the descriptor's generated message types.
    /// </summary>
    /// <exception cref="ArgumentException">No such method, or the type arguments do not match the descriptor.</exception>
    public static Method<TRequest, TResponse> Create<TRequest, TResponse>(ServiceDescriptor service, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(service);
        var descriptor = service.FindMethodByName(name)
            ?? throw new ArgumentException($"Service {service.FullName} has no method {name}.", nameof(name));
        if (descriptor.InputType.ClrType != typeof(TRequest) || descriptor.OutputType.ClrType != typeof(TResponse))
        {
            throw new ArgumentException(
                $"{service.FullName}.{name} takes {descriptor.InputType.FullName} and returns {descriptor.OutputType.FullName}; " +
                $"got {typeof(TRequest).Name} and {typeof(TResponse).Name}.");
        }

        var type = (descriptor.IsClientStreaming, descriptor.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (true, false) => MethodType.ClientStreaming,
            (false, true) => MethodType.ServerStreaming,
            (true, true) => MethodType.DuplexStreaming,
        };
        return new Method<TRequest, TResponse>(type, service.FullName, name, Marshaller<TRequest>(), Marshaller<TResponse>());
    }

    /// <summary>The marshaller for a generated protobuf message type.</summary>
    public static Marshaller<T> Marshaller<T>()
        where T : class, IMessage<T>, new() => MarshallerCache<T>.Instance;

    private static class MarshallerCache<T>
        where T : class, IMessage<T>, new()
    {
        public static readonly Marshaller<T> Instance = Create();

        private static Marshaller<T> Create()
        {
            var parser = new MessageParser<T>(() => new T());
            return new Marshaller<T>(m => m.CalculateSize(), (m, w) => m.WriteTo(w), parser.ParseFrom);
        }
    }
}
