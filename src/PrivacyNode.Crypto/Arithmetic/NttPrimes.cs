namespace PrivacyNode.Crypto.Arithmetic;

/// <summary>Primes that support a negacyclic NTT of a given degree: q ≡ 1 (mod 2n).</summary>
internal static class NttPrimes
{
    /// <summary>
    /// The <paramref name="count"/> largest primes below 2^<paramref name="bits"/> with q ≡ 1 (mod 2·<paramref name="degree"/>),
    /// in descending order (the primes SEAL's <c>CoeffModulus::Create</c> picks for the same sizes).
    /// </summary>
    /// <exception cref="ArgumentException">Sizes out of range, or not enough such primes of that size.</exception>
    public static IReadOnlyList<ulong> Generate(int bits, int count, int degree)
    {
        if (bits is < 10 or > Modulus.MaxBits || count < 1 || degree < 2 || (degree & (degree - 1)) != 0)
        {
            throw new ArgumentException($"Primes take 10 to {Modulus.MaxBits} bits, a count of at least 1 and a power-of-two degree.");
        }

        var step = 2UL * (ulong)degree;
        var candidate = (1UL << bits) - step + 1;
        var lower = 1UL << (bits - 1);
        var primes = new List<ulong>(count);
        for (; primes.Count < count && candidate > lower; candidate -= step)
        {
            if (IsPrime(candidate))
            {
                primes.Add(candidate);
            }
        }

        return primes.Count == count ? primes : throw new ArgumentException($"There are fewer than {count} {bits}-bit primes congruent to 1 mod {step}.");
    }

    /// <summary>Deterministic Miller–Rabin for 64-bit integers (the first twelve prime bases suffice below 2^64).</summary>
    public static bool IsPrime(ulong n)
    {
        if (n < 2)
        {
            return false;
        }

        ReadOnlySpan<ulong> bases = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
        foreach (var p in bases)
        {
            if (n % p == 0)
            {
                return n == p;
            }
        }

        var d = n - 1;
        var s = 0;
        while ((d & 1) == 0)
        {
            d >>= 1;
            s++;
        }

        foreach (var a in bases)
        {
            var x = PowMod(a, d, n);
            if (x == 1 || x == n - 1)
            {
                continue;
            }

            var composite = true;
            for (var r = 1; r < s && composite; r++)
            {
                x = (ulong)((UInt128)x * x % n);
                composite = x != n - 1;
            }

            if (composite)
            {
                return false;
            }
        }

        return true;
    }

    private static ulong PowMod(ulong a, ulong e, ulong n)
    {
        UInt128 result = 1, square = a % n;
        for (; e != 0; e >>= 1)
        {
            if ((e & 1) != 0)
            {
                result = result * square % n;
            }

            square = square * square % n;
        }

        return (ulong)result;
    }
}
