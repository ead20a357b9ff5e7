using PrivacyNode.Crypto.Rlwe;

namespace PrivacyNode.Crypto.Bfv;

/// <summary>
/// Key-switching keys from s(x^g) to s for a set of Galois elements g (odd, below 2n): what row rotations by
/// chosen steps (g = 3^step mod 2n) and the column swap (g = 2n - 1) need. Made by <see cref="KeyGenerator.CreateGaloisKeys"/>.
/// </summary>
public sealed class GaloisKeys
{
    internal GaloisKeys(BfvParameters parameters, IReadOnlyDictionary<int, IReadOnlyList<SwitchingKey>> keys)
    {
        Parameters = parameters;
        Keys = keys;
    }

    /// <summary>The parameter set.</summary>
    public BfvParameters Parameters { get; }

    /// <summary>The Galois elements keys exist for.</summary>
    public IEnumerable<int> Elements => Keys.Keys;

    internal IReadOnlyDictionary<int, IReadOnlyList<SwitchingKey>> Keys { get; }

    /// <summary>The Galois element of a row rotation by <paramref name="steps"/> (left when positive), or of the column swap for 0 (SEAL's convention).</summary>
    /// <exception cref="ArgumentOutOfRangeException">|steps| is n/2 or more.</exception>
    public static int ElementOf(int degree, int steps)
    {
        var m = 2 * degree;
        if (steps == 0)
        {
            return m - 1;
        }

        if (Math.Abs(steps) >= degree / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"A row rotation moves fewer than {degree / 2} slots.");
        }

        var exponent = steps > 0 ? steps : (degree / 2) + steps;
        long element = 1;
        for (var k = 0; k < exponent; k++)
        {
            element = element * 3 % m;
        }

        return (int)element;
    }

    /// <summary>p(x) ↦ p(x^g) on coefficients, row by row: x^i goes to ±x^(i·g mod n), negated when i·g mod 2n ≥ n.</summary>
    internal static void Apply(RnsPolynomial source, int element, RnsPolynomial destination)
    {
        var n = source.Degree;
        var mask = (2 * n) - 1;
        for (var r = 0; r < source.Primes; r++)
        {
            var modulus = source.Basis[r];
            var from = source.Row(r);
            var to = destination.Row(r);
            for (var i = 0; i < n; i++)
            {
                var index = (int)(((long)i * element) & mask);
                to[index & (n - 1)] = index >= n ? modulus.Negate(from[i]) : from[i];
            }
        }
    }
}
