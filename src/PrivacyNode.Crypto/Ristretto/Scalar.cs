using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Security.Cryptography;

namespace PrivacyNode.Crypto.Ristretto;

/// <summary>
/// An integer modulo the ristretto255 group order ℓ = 2^252 + 27742317777372353535851937790883648493,
/// held as its canonical 32-byte little-endian encoding. Arithmetic is Montgomery multiplication in
/// radix 2^52 and runs in constant time; <see cref="Dispose"/> zeroes the value.
/// </summary>
public sealed class Scalar : IDisposable
{
    /// <summary>The size of an encoded scalar in bytes.</summary>
    public const int Size = 32;

    private const ulong Mask52 = (1UL << 52) - 1;

    /// <summary>ℓ, the order of the group.</summary>
    internal static readonly BigInteger Order = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly ulong[] L = Limbs(Order);
    private static readonly ulong[] R = Limbs(BigInteger.ModPow(2, 260, Order));
    private static readonly ulong[] RR = Limbs(BigInteger.ModPow(2, 520, Order));
    private static readonly ulong LFactor = NegativeInverse(L[0]);

    private readonly byte[] _bytes;

    private Scalar(byte[] bytes) => _bytes = bytes;

    /// <summary>The canonical little-endian encoding (do not keep it beyond the scalar's lifetime).</summary>
    internal ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Parses a canonical encoding (a value below ℓ); false otherwise.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, [NotNullWhen(true)] out Scalar? scalar)
    {
        scalar = null;
        if (encoded.Length != Size)
        {
            return false;
        }

        Span<ulong> limbs = stackalloc ulong[5];
        ToLimbs(encoded, limbs);
        if (!IsBelowOrder(limbs))
        {
            return false;
        }

        scalar = new Scalar(encoded.ToArray());
        return true;
    }

    /// <summary>A 64-byte little-endian integer reduced modulo ℓ (RFC 9496 / RFC 9497 HashToScalar).</summary>
    public static Scalar FromUniformBytes(ReadOnlySpan<byte> wide)
    {
        if (wide.Length != 64)
        {
            throw new ArgumentException("A wide scalar is 64 bytes.", nameof(wide));
        }

        // wide = lo + hi·2^260 with lo the low 260 bits: lo·R/R + hi·R²/R ≡ lo + hi·R (mod ℓ).
        Span<ulong> words = stackalloc ulong[8];
        for (var i = 0; i < 8; i++)
        {
            words[i] = BinaryPrimitives.ReadUInt64LittleEndian(wide[(8 * i)..]);
        }

        Span<ulong> lo = stackalloc ulong[5];
        Span<ulong> hi = stackalloc ulong[5];
        for (var i = 0; i < 10; i++)
        {
            var bit = 52 * i;
            var word = bit >> 6;
            var shift = bit & 63;
            var limb = words[word] >> shift;
            if (shift > 12 && word + 1 < 8)
            {
                limb |= words[word + 1] << (64 - shift);
            }

            (i < 5 ? lo : hi)[i % 5] = limb & Mask52;
        }

        Span<ulong> a = stackalloc ulong[5];
        Span<ulong> b = stackalloc ulong[5];
        MontgomeryMultiply(lo, R, a);
        MontgomeryMultiply(hi, RR, b);
        AddModOrder(a, b, a);
        var result = FromLimbs(a);
        words.Clear();
        lo.Clear();
        hi.Clear();
        a.Clear();
        b.Clear();
        return result;
    }

    /// <summary>A uniformly random non-zero scalar from the OS CSPRNG.</summary>
    public static Scalar Random()
    {
        Span<byte> wide = stackalloc byte[64];
        while (true)
        {
            CryptoRandom.Fill(wide);
            var scalar = FromUniformBytes(wide);
            if (!scalar.IsZero)
            {
                wide.Clear();
                return scalar;
            }

            scalar.Dispose();
        }
    }

    /// <summary>Whether this is 0 (constant time).</summary>
    public bool IsZero => CryptographicOperations.FixedTimeEquals(_bytes, stackalloc byte[Size]);

    /// <summary>this · other mod ℓ.</summary>
    public Scalar Multiply(Scalar other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Span<ulong> a = stackalloc ulong[5];
        Span<ulong> b = stackalloc ulong[5];
        Span<ulong> t = stackalloc ulong[5];
        ToLimbs(_bytes, a);
        ToLimbs(other._bytes, b);
        MontgomeryMultiply(a, b, t);   // a·b/R
        MontgomeryMultiply(t, RR, a);  // a·b
        var result = FromLimbs(a);
        a.Clear();
        b.Clear();
        t.Clear();
        return result;
    }

    /// <summary>1/this mod ℓ, as this^(ℓ-2) with a fixed sequence of operations; the inverse of 0 is 0.</summary>
    public Scalar Invert()
    {
        Span<ulong> x = stackalloc ulong[5];
        Span<ulong> acc = stackalloc ulong[5];
        Span<ulong> product = stackalloc ulong[5];
        Span<ulong> t = stackalloc ulong[5];
        ToLimbs(_bytes, t);
        MontgomeryMultiply(t, RR, x);                  // x·R
        R.CopyTo(acc);                                 // 1·R
        var exponent = (Order - 2).ToByteArray(isUnsigned: true, isBigEndian: false);
        for (var bit = 252; bit >= 0; bit--)
        {
            MontgomeryMultiply(acc, acc, t);
            t.CopyTo(acc);
            MontgomeryMultiply(acc, x, product);
            var take = 0UL - (ulong)((exponent[bit >> 3] >> (bit & 7)) & 1);
            for (var i = 0; i < 5; i++)
            {
                acc[i] ^= take & (acc[i] ^ product[i]);
            }
        }

        MontgomeryMultiply(acc, [1, 0, 0, 0, 0], t);
        var result = FromLimbs(t);
        x.Clear();
        acc.Clear();
        product.Clear();
        t.Clear();
        return result;
    }

    /// <summary>Writes the canonical encoding.</summary>
    public void Encode(Span<byte> destination) => _bytes.CopyTo(destination);

    /// <summary>Zeroes the value.</summary>
    public void Dispose() => CryptographicOperations.ZeroMemory(_bytes);

    /// <summary>r = a·b/2^260 mod ℓ for a·b below 2^260·ℓ (r is fully reduced).</summary>
    private static void MontgomeryMultiply(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> r)
    {
        Span<ulong> t = stackalloc ulong[11];
        UInt128 carry = 0;
        for (var k = 0; k < 9; k++)
        {
            var acc = carry;
            for (var i = Math.Max(0, k - 4); i <= Math.Min(4, k); i++)
            {
                acc += Math.BigMul(a[i], b[k - i]);
            }

            t[k] = (ulong)acc & Mask52;
            carry = acc >> 52;
        }

        t[9] = (ulong)carry & Mask52;
        t[10] = (ulong)(carry >> 52);

        for (var i = 0; i < 5; i++)
        {
            var m = (t[i] * LFactor) & Mask52;
            UInt128 c = 0;
            for (var j = 0; j < 5; j++)
            {
                var acc = (UInt128)t[i + j] + Math.BigMul(m, L[j]) + c;
                t[i + j] = (ulong)acc & Mask52;
                c = acc >> 52;
            }

            for (var k = i + 5; k < 11; k++)
            {
                var acc = (UInt128)t[k] + c;
                t[k] = (ulong)acc & Mask52;
                c = acc >> 52;
            }
        }

        // The result t[5..10] is below 2ℓ; subtract ℓ once unless that borrows.
        Span<ulong> d = stackalloc ulong[5];
        ulong borrow = 0;
        for (var i = 0; i < 5; i++)
        {
            var diff = t[5 + i] - L[i] - borrow;
            borrow = diff >> 63;
            d[i] = diff & Mask52;
        }

        var keep = 0UL - borrow; // all ones if t < ℓ
        for (var i = 0; i < 5; i++)
        {
            r[i] = (t[5 + i] & keep) | (d[i] & ~keep);
        }

        t.Clear();
        d.Clear();
    }

    /// <summary>r = (a + b) mod ℓ for a, b below ℓ.</summary>
    private static void AddModOrder(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> r)
    {
        Span<ulong> sum = stackalloc ulong[5];
        ulong carry = 0;
        for (var i = 0; i < 5; i++)
        {
            var s = a[i] + b[i] + carry;
            sum[i] = s & Mask52;
            carry = s >> 52;
        }

        ulong borrow = 0;
        for (var i = 0; i < 5; i++)
        {
            var diff = sum[i] - L[i] - borrow;
            borrow = diff >> 63;
            r[i] = diff & Mask52;
        }

        var keep = 0UL - borrow;
        for (var i = 0; i < 5; i++)
        {
            r[i] = (sum[i] & keep) | (r[i] & ~keep);
        }

        sum.Clear();
    }

    private static bool IsBelowOrder(ReadOnlySpan<ulong> limbs)
    {
        ulong borrow = 0;
        for (var i = 0; i < 5; i++)
        {
            borrow = (limbs[i] - L[i] - borrow) >> 63;
        }

        return borrow == 1;
    }

    private static void ToLimbs(ReadOnlySpan<byte> bytes, Span<ulong> limbs)
    {
        Span<byte> wide = stackalloc byte[40];
        bytes.CopyTo(wide);
        for (var i = 0; i < 5; i++)
        {
            var bit = 52 * i;
            var word = BinaryPrimitives.ReadUInt64LittleEndian(wide[(bit >> 3)..]);
            limbs[i] = (word >> (bit & 7)) & Mask52;
        }

        wide.Clear();
    }

    private static Scalar FromLimbs(ReadOnlySpan<ulong> limbs)
    {
        var bytes = new byte[Size];
        Span<byte> wide = stackalloc byte[40];
        for (var i = 0; i < 5; i++)
        {
            var bit = 52 * i;
            var slot = wide[(bit >> 3)..];
            var existing = BinaryPrimitives.ReadUInt64LittleEndian(slot);
            BinaryPrimitives.WriteUInt64LittleEndian(slot, existing | (limbs[i] << (bit & 7)));
        }

        wide[..Size].CopyTo(bytes);
        wide.Clear();
        return new Scalar(bytes);
    }

    private static ulong[] Limbs(BigInteger value)
    {
        var limbs = new ulong[5];
        for (var i = 0; i < 5; i++)
        {
            limbs[i] = (ulong)((value >> (52 * i)) & Mask52);
        }

        return limbs;
    }

    /// <summary>-1/x mod 2^52 for odd x, by Newton iteration.</summary>
    private static ulong NegativeInverse(ulong x)
    {
        ulong inverse = 1;
        for (var i = 0; i < 6; i++)
        {
            inverse *= 2 - (x * inverse);
        }

        return (0 - inverse) & Mask52;
    }
}
