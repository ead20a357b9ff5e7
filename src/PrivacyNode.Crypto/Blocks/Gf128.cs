using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ArmAes = System.Runtime.Intrinsics.Arm.Aes;

namespace PrivacyNode.Crypto.Blocks;

/// <summary>
/// Arithmetic in GF(2^128) = GF(2)[x] / (x^128 + x^7 + x^2 + x + 1), the field of the VOLE and OKVS hot loops. An element is a
/// <see cref="UInt128"/> whose bit i is the coefficient of x^i (the bytes of a block read little-endian). Addition is xor;
/// multiplication uses carry-less multiply where the CPU has it: PCLMULQDQ on x86-64 (whole 128-bit products in registers), PMULL on
/// ARM64 (64-bit products, Karatsuba). Constant time: no branch or index depends on an operand.
/// </summary>
public static class Gf128
{
    /// <summary>x^128 reduced: x^7 + x^2 + x + 1.</summary>
    private const ulong Reduction = 0x87;

    /// <summary>Whether products are computed with a carry-less multiply instruction (PCLMULQDQ or PMULL).</summary>
    public static bool IsHardwareAccelerated => Pclmulqdq.IsSupported || ArmAes.IsSupported;

    /// <summary>a · b.</summary>
    public static UInt128 Multiply(UInt128 a, UInt128 b)
    {
        if (Pclmulqdq.IsSupported)
        {
            var (lo, mid, hi) = Product(Vector128.Create((ulong)a, (ulong)(a >> 64)), Vector128.Create((ulong)b, (ulong)(b >> 64)));
            return Reduce(lo, mid, hi);
        }

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

    /// <summary>
    /// Σ a[i] · b[i]: the products are added unreduced (256 bits each, xor is linear) and the sum is reduced once, which is what makes
    /// an inner product cheaper than its multiplications.
    /// </summary>
    public static UInt128 InnerProduct(ReadOnlySpan<UInt128> a, ReadOnlySpan<UInt128> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("Both vectors have the same length.", nameof(b));
        }

        if (Pclmulqdq.IsSupported)
        {
            // A UInt128 lies in memory as its low word then its high word, as a Vector128<ulong> does.
            var va = MemoryMarshal.Cast<UInt128, Vector128<ulong>>(a);
            var vb = MemoryMarshal.Cast<UInt128, Vector128<ulong>>(b);
            var (lo, mid, hi) = (Vector128<ulong>.Zero, Vector128<ulong>.Zero, Vector128<ulong>.Zero);
            for (var i = 0; i < va.Length; i++)
            {
                var (l, m, h) = Product(va[i], vb[i]);
                lo ^= l;
                mid ^= m;
                hi ^= h;
            }

            return Reduce(lo, mid, hi);
        }

        return InnerProductWords(a, b, portable: false);
    }

    /// <summary><see cref="InnerProduct"/> without any carry-less multiply instruction (the reference the others are tested against).</summary>
    internal static UInt128 InnerProductPortable(ReadOnlySpan<UInt128> a, ReadOnlySpan<UInt128> b) => InnerProductWords(a, b, portable: true);

    /// <summary><see cref="InnerProduct"/> as Karatsuba on 64-bit words, reduced once: with <see cref="Clmul"/>, or only <see cref="ClmulPortable"/>.</summary>
    private static UInt128 InnerProductWords(ReadOnlySpan<UInt128> a, ReadOnlySpan<UInt128> b, bool portable)
    {
        ulong w0 = 0, w1 = 0, w2 = 0, w3 = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var (a0, a1) = ((ulong)a[i], (ulong)(a[i] >> 64));
            var (b0, b1) = ((ulong)b[i], (ulong)(b[i] >> 64));
            var (l0, l1) = portable ? ClmulPortable(a0, b0) : Clmul(a0, b0);
            var (h0, h1) = portable ? ClmulPortable(a1, b1) : Clmul(a1, b1);
            var (m0, m1) = portable ? ClmulPortable(a0 ^ a1, b0 ^ b1) : Clmul(a0 ^ a1, b0 ^ b1);
            w0 ^= l0;
            w1 ^= l1 ^ m0 ^ l0 ^ h0;
            w2 ^= h0 ^ m1 ^ l1 ^ h1;
            w3 ^= h1;
        }

        return Reduce(w0, w1, w2, w3);
    }

    /// <summary>The unreduced product as its low, middle (at x^64) and high (at x^128) 128-bit parts.</summary>
    private static (Vector128<ulong> Low, Vector128<ulong> Middle, Vector128<ulong> High) Product(Vector128<ulong> a, Vector128<ulong> b) =>
        (Pclmulqdq.CarrylessMultiply(a, b, 0x00),
         Pclmulqdq.CarrylessMultiply(a, b, 0x01) ^ Pclmulqdq.CarrylessMultiply(a, b, 0x10),
         Pclmulqdq.CarrylessMultiply(a, b, 0x11));

    /// <summary>The same fold as the word form, in registers: low + middle·x^64 + high·x^128, reduced.</summary>
    private static UInt128 Reduce(Vector128<ulong> low, Vector128<ulong> middle, Vector128<ulong> high)
    {
        var polynomial = Vector128.CreateScalar(Reduction);
        low ^= Sse2.ShiftLeftLogical128BitLane(middle, 8);
        high ^= Sse2.ShiftRightLogical128BitLane(middle, 8);
        // w3·x^192 → (w3·R)·x^64, across the boundary of low and high; then w2·x^128 → w2·R.
        var top = Pclmulqdq.CarrylessMultiply(high, polynomial, 0x01);
        low ^= Sse2.ShiftLeftLogical128BitLane(top, 8);
        high ^= Sse2.ShiftRightLogical128BitLane(top, 8);
        low ^= Pclmulqdq.CarrylessMultiply(high, polynomial, 0x00);
        return Unsafe.BitCast<Vector128<ulong>, UInt128>(low);
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

        if (ArmAes.IsSupported)
        {
            var product = ArmAes.PolynomialMultiplyWideningLower(Vector64.CreateScalar(a), Vector64.CreateScalar(b));
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
