namespace PrivacyNode.Node;

/// <summary>
/// A problem the operator must fix before the node can run (configuration, data directory, identity).
/// The message says what is wrong and what to do; it is shown without a stack trace.
/// </summary>
public sealed class NodeException : Exception
{
    public NodeException(string message)
        : base(message)
    {
    }

    public NodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
