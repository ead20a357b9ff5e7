using System.Numerics;

namespace PrivacyNode.Crypto.Arithmetic;

/// <summary>
/// The precomputed constants of the negacyclic NTT of degree n modulo a prime q ≡ 1 (mod 2n): the minimal
/// primitive 2n-th root of unity ψ, its powers ψ^bitrev(i) and their inverses with Shoup operands, and n⁻¹.
/// Immutable and thread-safe.
/// </summary>
internal sealed class NttTables
{
    private readonly ulong[] _roots;
    private readonly ulong[] _rootsShoup;
    private readonly ulong[] _inverseRoots;
    private readonly ulong[] _inverseRootsShoup;

    /// <summary>Tables for degree <paramref name="degree"/> (a power of two from 2 to 2^17) modulo <paramref name="modulus"/>.</summary>
    /// <exception cref="ArgumentException">The degree is not a power of two in range, or q is not a prime ≡ 1 (mod 2n).</exception>
    public NttTables(int degree, Modulus modulus)
    {
        ArgumentNullException.ThrowIfNull(modulus);
        if (degree is < 2 or > 1 << 17 || !BitOperations.IsPow2(degree))
        {
            throw new ArgumentException($"The NTT degree is a power of two from 2 to 2^17; got {degree}.", nameof(degree));
        }

        var q = modulus.Value;
        if ((q - 1) % (2UL * (ulong)degree) != 0 || !NttPrimes.IsPrime(q))
        {
            throw new ArgumentException($"{q} is not a prime congruent to 1 mod {2 * degree}.", nameof(modulus));
        }

        Degree = degree;
        LogDegree = BitOperations.Log2((uint)degree);
        Modulus = modulus;
        Root = MinimalPrimitiveRoot(degree, modulus);

        _roots = new ulong[degree];
        _rootsShoup = new ulong[degree];
        _inverseRoots = new ulong[degree];
        _inverseRootsShoup = new ulong[degree];
        var inverseRoot = modulus.InverseVar(Root);
        for (var i = 0; i < degree; i++)
        {
            var exponent = (ulong)BitReverse(i, LogDegree);
            _roots[i] = modulus.PowVar(Root, exponent);
            _inverseRoots[i] = modulus.PowVar(inverseRoot, exponent);
            _rootsShoup[i] = modulus.ShoupOf(_roots[i]);
            _inverseRootsShoup[i] = modulus.ShoupOf(_inverseRoots[i]);
        }

        InverseDegree = modulus.InverseVar((ulong)degree);
    }

    /// <summary>n.</summary>
    public int Degree { get; }

    /// <summary>log2 n.</summary>
    public int LogDegree { get; }

    /// <summary>q.</summary>
    public Modulus Modulus { get; }

    /// <summary>ψ: the smallest primitive 2n-th root of unity mod q.</summary>
    public ulong Root { get; }

    /// <summary>n⁻¹ mod q.</summary>
    public ulong InverseDegree { get; }

    /// <summary>ψ^bitrev(i, log n), for i in [0, n).</summary>
    internal ReadOnlySpan<ulong> Roots => _roots;

    /// <summary>Shoup operands of <see cref="Roots"/>.</summary>
    internal ReadOnlySpan<ulong> RootsShoup => _rootsShoup;

    /// <summary>ψ^-bitrev(i, log n), for i in [0, n).</summary>
    internal ReadOnlySpan<ulong> InverseRoots => _inverseRoots;

    /// <summary>Shoup operands of <see cref="InverseRoots"/>.</summary>
    internal ReadOnlySpan<ulong> InverseRootsShoup => _inverseRootsShoup;

    /// <summary>The low <paramref name="bits"/> bits of <paramref name="value"/> in reverse order.</summary>
    internal static int BitReverse(int value, int bits) => bits == 0 ? 0 : (int)(ReverseBits((uint)value) >> (32 - bits));

    private static uint ReverseBits(uint v)
    {
        v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
        v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
        v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4);
        v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8);
        return (v >> 16) | (v << 16);
    }

    /// <summary>The smallest of the primitive 2n-th roots of unity, so that the tables are the same on every machine.</summary>
    private static ulong MinimalPrimitiveRoot(int degree, Modulus modulus)
    {
        var q = modulus.Value;
        var order = 2UL * (ulong)degree;
        for (ulong x = 2; x < q; x++)
        {
            var candidate = modulus.PowVar(x, (q - 1) / order);
            if (modulus.PowVar(candidate, (ulong)degree) != q - 1)
            {
                continue;
            }

            // The primitive 2n-th roots are candidate^k for odd k.
            var square = modulus.Multiply(candidate, candidate);
            ulong power = candidate, smallest = candidate;
            for (ulong k = 3; k < order; k += 2)
            {
                power = modulus.Multiply(power, square);
                smallest = Math.Min(smallest, power);
            }

            return smallest;
        }

        throw new ArgumentException($"No primitive {order}-th root of unity mod {q}.");
    }
}
