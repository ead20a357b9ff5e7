using System.Runtime.InteropServices;
using System.Security.Cryptography;
using PrivacyNode.Crypto.Blocks;

namespace PrivacyNode.Crypto.Vole;

/// <summary>
/// GGM trees (Goldreich, Goldwasser, Micali) as the punctured PRF of silent VOLE: a node s has children π_0(s) ⊕ s and π_1(s) ⊕ s,
/// π_b fixed-key AES-128 under two public keys (modelled as ideal ciphers, as libOTe does). The holder of the root learns every leaf
/// and the sums of the left and of the right children of each level; from one sum per level, on the side away from the path to a
/// leaf α, the other party rebuilds every leaf but α.
/// </summary>
internal static class Ggm
{
    private static readonly Aes128 Left = new(SHA256.HashData("privacynode ggm left v1"u8).AsSpan(0, 16));
    private static readonly Aes128 Right = new(SHA256.HashData("privacynode ggm right v1"u8).AsSpan(0, 16));

    /// <summary>Scratch needed for a tree of <paramref name="depth"/>.</summary>
    public static int ScratchSize(int depth) => 1 << depth;

    /// <summary>
    /// The 2^depth leaves under <paramref name="root"/>, and for each level ℓ = 1..depth the sums of its left and right children
    /// (<paramref name="sums"/>[2(ℓ−1)] and [2(ℓ−1)+1]).
    /// </summary>
    public static void Expand(UInt128 root, int depth, Span<UInt128> leaves, Span<UInt128> scratch, Span<UInt128> sums)
    {
        leaves[0] = root;
        for (var level = 1; level <= depth; level++)
        {
            Grow(leaves, 1 << (level - 1), scratch);
            var (left, right) = SideSums(leaves[..(1 << level)]);
            sums[2 * (level - 1)] = left;
            sums[(2 * (level - 1)) + 1] = right;
        }
    }

    /// <summary>
    /// Every leaf but <paramref name="alpha"/> (which is left zero) from the sums on the side away from α's path at each level
    /// (<paramref name="offPath"/>[ℓ−1]).
    /// </summary>
    public static void Puncture(int alpha, int depth, ReadOnlySpan<UInt128> offPath, Span<UInt128> leaves, Span<UInt128> scratch)
    {
        leaves[0] = UInt128.Zero;
        for (var level = 1; level <= depth; level++)
        {
            Grow(leaves, 1 << (level - 1), scratch);
            var onPath = alpha >> (depth - level);
            var sibling = onPath ^ 1;
            leaves[onPath] = UInt128.Zero;
            leaves[sibling] = UInt128.Zero;
            var (left, right) = SideSums(leaves[..(1 << level)]);
            var mask = UInt128.Zero - (UInt128)(uint)(sibling & 1);
            leaves[sibling] = offPath[level - 1] ^ (left & ~mask) ^ (right & mask);
        }
    }

    /// <summary>Replaces the first <paramref name="count"/> nodes by their 2·count children, in order.</summary>
    private static void Grow(Span<UInt128> nodes, int count, Span<UInt128> scratch)
    {
        var parents = MemoryMarshal.AsBytes(nodes[..count]);
        var left = scratch[..count];
        var right = scratch.Slice(count, count);
        Left.Encrypt(parents, MemoryMarshal.AsBytes(left));
        Right.Encrypt(parents, MemoryMarshal.AsBytes(right));
        for (var i = count - 1; i >= 0; i--)
        {
            var parent = nodes[i];
            nodes[(2 * i) + 1] = right[i] ^ parent;
            nodes[2 * i] = left[i] ^ parent;
        }
    }

    private static (UInt128 Left, UInt128 Right) SideSums(ReadOnlySpan<UInt128> level)
    {
        var (left, right) = (UInt128.Zero, UInt128.Zero);
        for (var i = 0; i < level.Length; i += 2)
        {
            left ^= level[i];
            right ^= level[i + 1];
        }

        return (left, right);
    }
}
