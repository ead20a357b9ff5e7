using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PrivacyNode.Crypto.Blocks;

/// <summary>
/// Arithmetic in GF(2^128) = GF(2)[x] / (x^128 + x^7 + x^2 + x + 1), the field of the VOLE and OKVS hot loops. An element is a
/// <see cref="UInt128"/> whose bit i is the coefficient of x^i (the bytes of a block read little-endian). Addition is xor;
/// multiplication uses carry-less multiply (PCLMULQDQ) where the CPU has it. Constant time: no branch or index depends on an operand.
/// </summary>
public static class Gf128
{
    /// <summary>x^128 reduced: x^7 + x^2 + x + 1.</summary>
    private const ulong Reduction = 0x87;

    /// <summary>Whether products are computed with PCLMULQDQ.</summary>
    public static bool IsHardwareAccelerated => Pclmulqdq.IsSupported;

    /// <summary>a · b.</summary>
    public static UInt128 Multiply(UInt128 a, UInt128 b)
    {
        var (a0, a1) = ((ulong)a, (ulong)(a >> 64));
        var (b0, b1) = ((ulong)b, (ulong)(b >> 64));
        var (l0, l1) = Clmul(a0, b0);
        var (h0, h1) = Clmul(a1, b1);
        var (m0, m1) = Clmul(a0 ^ a1, b0 ^ b1);
        // Karatsuba: the middle term is (a0+a1)(b0+b1) - a0b0 - a1b1.
        m0 ^= l0 ^ h0;
        m1 ^= l1 ^ h1;
        // The 256-bit product is [l0, l1 ^ m0, h0 ^ m1, h1] in 64-bit words, lowest first.
        return Reduce(l0, l1 ^ m0, h0 ^ m1, h1);
    }

    /// <summary>Folds the high 128 bits w2, w3 down with x^128 = x^7 + x^2 + x + 1.</summary>
    private static UInt128 Reduce(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        // w3·x^192 = w3·x^64·(x^7+x^2+x+1): at most 71 bits at x^64, so its top 7 bits land at x^128 and fold once more.
        var (t0, t1) = Clmul(w3, Reduction);
        w1 ^= t0;
        w2 ^= t1;
        var (u0, u1) = Clmul(w2, Reduction);
        w0 ^= u0;
        w1 ^= u1;
        return ((UInt128)w1 << 64) | w0;
    }

    /// <summary>The 128-bit carry-less product of two 64-bit polynomials, as (low, high) words.</summary>
    private static (ulong Low, ulong High) Clmul(ulong a, ulong b)
    {
        if (Pclmulqdq.IsSupported)
        {
            var product = Pclmulqdq.CarrylessMultiply(Vector128.CreateScalar(a), Vector128.CreateScalar(b), 0x00);
            return (product.GetElement(0), product.GetElement(1));
        }

        return ClmulPortable(a, b);
    }

    /// <summary>Carry-less multiply without PCLMULQDQ: for each bit of b, a shifted copy of a, selected by a mask rather than a branch.</summary>
    internal static (ulong Low, ulong High) ClmulPortable(ulong a, ulong b)
    {
        ulong low = 0, high = 0;
        for (var i = 0; i < 64; i++)
        {
            var mask = 0UL - ((b >> i) & 1);
            low ^= (a << i) & mask;
            high ^= (i == 0 ? 0 : a >> (64 - i)) & mask;
        }

        return (low, high);
    }
}
