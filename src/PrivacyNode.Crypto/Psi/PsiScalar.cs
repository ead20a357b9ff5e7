namespace PrivacyNode.Crypto.Psi;

/// <summary>A secret scalar of a <see cref="PsiSuite"/>'s group: an OPRF key or a blinding factor. Dispose to zero it.</summary>
public abstract class PsiScalar : IDisposable
{
    /// <summary>The suite whose group order this scalar is reduced by.</summary>
    public abstract PsiSuite Suite { get; }

    /// <summary>The scalar's canonical encoding, for storing a cached OPRF key (<see cref="PsiSuite.DecodeScalar"/> reads it back).</summary>
    public abstract byte[] Encode();

    /// <summary>The inverse modulo the group order.</summary>
    public abstract PsiScalar Invert();

    /// <summary>Zeroes the value.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Zeroes the value.</summary>
    protected abstract void Dispose(bool disposing);
}
