namespace PrivacyNode.Crypto.Psi;

/// <summary>A PSI message from the other party is malformed: wrong length, an invalid or identity element, a bad payload.</summary>
public sealed class PsiProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PsiProtocolException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PsiProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public PsiProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
