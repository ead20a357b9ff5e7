using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace PrivacyNode.Crypto.Arithmetic;

/// <summary>
/// A modulus q with 2 ≤ q &lt; 2^61 and its precomputed reduction constants: Barrett's floor(2^128 / q)
/// for reducing 128-bit products, and Shoup operands for multiplying by a fixed value. Operations on
/// residues take inputs in [0, q) and return results in [0, q) unless their name ends in <c>Lazy</c>.
/// Every operation runs in constant time (no branch depends on a residue). Immutable and thread-safe.
/// </summary>
public sealed class Modulus : IEquatable<Modulus>
{
    /// <summary>The largest supported bit count: lazy values up to 4q must fit in 63 bits.</summary>
    public const int MaxBits = 61;

    private readonly ulong _ratioHigh;
    private readonly ulong _ratioLow;

    /// <summary>A modulus for <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Below 2, or 2^61 and above.</exception>
    public Modulus(ulong value)
    {
        if (value < 2 || value >= 1UL << MaxBits)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"A modulus is at least 2 and below 2^{MaxBits}.");
        }

        Value = value;
        BitCount = 64 - BitOperations.LeadingZeroCount(value);
        var ratio = UInt128.MaxValue / value;
        _ratioHigh = (ulong)(ratio >> 64);
        _ratioLow = (ulong)ratio;
    }

    /// <summary>q.</summary>
    public ulong Value { get; }

    /// <summary>The number of significant bits of q.</summary>
    public int BitCount { get; }

    /// <summary>x mod q for any 64-bit x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Reduce(ulong x)
    {
        var estimate = Math.BigMul(x, _ratioHigh, out _);
        return CorrectOnce(x - (estimate * Value));
    }

    /// <summary>(high·2^64 + low) mod q for any 128-bit value, by Barrett reduction with floor(2^128 / q).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Reduce(ulong high, ulong low)
    {
        // The top 64 bits of (high·2^64 + low)·(ratioHigh·2^64 + ratioLow) / 2^128 estimate the quotient to within 1.
        var carry = Math.BigMul(low, _ratioLow, out _);
        var middleHigh = Math.BigMul(low, _ratioHigh, out var middleLow);
        var sum = middleLow + carry;
        var top = middleHigh + (sum < carry ? 1UL : 0UL);
        var crossHigh = Math.BigMul(high, _ratioLow, out var crossLow);
        var sum2 = sum + crossLow;
        var quotient = (high * _ratioHigh) + top + crossHigh + (sum2 < crossLow ? 1UL : 0UL);
        return CorrectOnce(low - (quotient * Value));
    }

    /// <summary>a·b mod q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Multiply(ulong a, ulong b)
    {
        var high = Math.BigMul(a, b, out var low);
        return Reduce(high, low);
    }

    /// <summary>a + b mod q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Add(ulong a, ulong b) => CorrectOnce(a + b);

    /// <summary>a - b mod q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Subtract(ulong a, ulong b) => CorrectOnce(a - b + Value);

    /// <summary>-a mod q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Negate(ulong a) => CorrectOnce(Value - a);

    /// <summary>The Shoup operand floor(w·2^64 / q) of a fixed multiplicand w in [0, q).</summary>
    public ulong ShoupOf(ulong w)
    {
        Debug.Assert(w < Value, "A Shoup multiplicand is reduced.");
        return (ulong)(((UInt128)w << 64) / Value);
    }

    /// <summary>
    /// a·w mod q, lazily in [0, 2q), for any 64-bit a and w in [0, q) with its Shoup operand
    /// (Harvey, "Faster arithmetic for number-theoretic transforms", 2014, algorithm 2).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MultiplyShoupLazy(ulong a, ulong w, ulong wShoup, ulong q) => (a * w) - (Math.BigMul(a, wShoup, out _) * q);

    /// <summary>a·w mod q in [0, q), as <see cref="MultiplyShoupLazy"/> followed by one correction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong MultiplyShoup(ulong a, ulong w, ulong wShoup) => CorrectOnce(MultiplyShoupLazy(a, w, wShoup, Value));

    /// <summary>a^e mod q (variable time in e, which is public).</summary>
    public ulong PowVar(ulong a, ulong e)
    {
        ulong result = 1, square = Reduce(a);
        for (; e != 0; e >>= 1)
        {
            if ((e & 1) != 0)
            {
                result = Multiply(result, square);
            }

            square = Multiply(square, square);
        }

        return result;
    }

    /// <summary>a^-1 mod q for a prime q and a not divisible by q, by Fermat; variable time, for public constants.</summary>
    public ulong InverseVar(ulong a)
    {
        if (Reduce(a) == 0)
        {
            throw new ArgumentException("Zero has no inverse.", nameof(a));
        }

        return PowVar(a, Value - 2);
    }

    /// <summary>x - q when x ≥ q, else x, without a branch, for x below 2q.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong CorrectOnce(ulong x)
    {
        var reduced = x - Value;
        var keep = 0UL - (reduced >> 63); // all ones when x < q (the subtraction wrapped)
        return reduced + (Value & keep);
    }

    /// <inheritdoc/>
    public bool Equals(Modulus? other) => other is not null && other.Value == Value;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Modulus);

    /// <inheritdoc/>
    public override int GetHashCode() => Value.GetHashCode();

    /// <inheritdoc/>
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
