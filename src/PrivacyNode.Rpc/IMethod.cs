namespace PrivacyNode.Rpc;

/// <summary>What routing needs to know about a method, independent of its message types.</summary>
public interface IMethod
{
    /// <summary>The call shape.</summary>
    MethodType Type { get; }

    /// <summary>The fully qualified service name.</summary>
    string ServiceName { get; }

    /// <summary>The method name.</summary>
    string Name { get; }

    /// <summary>The HTTP/2 path, <c>/ServiceName/Name</c>.</summary>
    string FullName { get; }
}
