namespace PrivacyNode.Crypto.Bfv;

/// <summary>A BFV plaintext: n coefficients of a polynomial modulo t, each in [0, t). Not thread-safe.</summary>
public sealed class Plaintext
{
    /// <summary>The zero plaintext under <paramref name="parameters"/>.</summary>
    public Plaintext(BfvParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters;
        Coefficients = new ulong[parameters.Degree];
    }

    /// <summary>The parameter set.</summary>
    public BfvParameters Parameters { get; }

    /// <summary>The coefficients, each in [0, t).</summary>
    public ulong[] Coefficients { get; }

    /// <summary>Throws unless every coefficient is below t.</summary>
    internal void Validate()
    {
        var t = Parameters.PlainModulus.Value;
        if (Array.Exists(Coefficients, c => c >= t))
        {
            throw new ArgumentException($"Plaintext coefficients are below the plaintext modulus {t}.");
        }
    }
}
