using PrivacyNode.Crypto.Rlwe;

namespace PrivacyNode.Crypto.Bfv;

/// <summary>
/// A BFV ciphertext: polynomials (c0, c1, …) over the first <see cref="Level"/> coefficient primes (fresh: every
/// prime but the special one), in coefficient form, with c0 + c1·s + c2·s² + … ≈ Δ·m. Fresh ciphertexts have two polynomials. Not thread-safe.
/// </summary>
public sealed class Ciphertext
{
    internal Ciphertext(BfvParameters parameters, IReadOnlyList<RnsPolynomial> polynomials)
    {
        Parameters = parameters;
        Polynomials = polynomials;
    }

    /// <summary>The parameter set.</summary>
    public BfvParameters Parameters { get; }

    /// <summary>The number of polynomials (2 when fresh).</summary>
    public int Size => Polynomials.Count;

    /// <summary>The level: how many coefficient primes the ciphertext still has (all data primes when fresh; see <see cref="Evaluator.ModSwitchToNext"/>).</summary>
    public int Level => Polynomials[0].Primes;

    internal IReadOnlyList<RnsPolynomial> Polynomials { get; }

    /// <summary>For a fresh symmetric ciphertext, the seed c1 was expanded from (its compact form); otherwise null.</summary>
    internal byte[]? C1Seed { get; init; }

    /// <summary>Whether this is a ciphertext of <paramref name="parameters"/> with a fresh one's shape: size 2, every data prime.</summary>
    internal bool HasFreshShape(BfvParameters parameters) =>
        Parameters.Id.Span.SequenceEqual(parameters.Id.Span) && Size == 2 && Level == parameters.CoefficientModulus.Count - 1;

    /// <summary>A deep copy.</summary>
    public Ciphertext Clone() => new(Parameters, [.. Polynomials.Select(p => p.Clone())]);
}
