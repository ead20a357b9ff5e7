namespace PrivacyNode.Crypto.Bfv;

/// <summary>Serialized BFV bytes that are malformed, truncated, for other parameters, or hold out-of-range values.</summary>
public sealed class BfvFormatException : FormatException
{
    /// <summary>An exception with a message saying what is wrong.</summary>
    public BfvFormatException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with no message.</summary>
    public BfvFormatException()
    {
    }

    /// <summary>An exception with a message and the underlying cause.</summary>
    public BfvFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
