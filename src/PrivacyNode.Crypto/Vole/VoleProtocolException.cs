namespace PrivacyNode.Crypto.Vole;

/// <summary>A message of the other party in OT, OT extension or VOLE is malformed: a wrong length, an invalid group element.</summary>
public sealed class VoleProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public VoleProtocolException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public VoleProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public VoleProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
