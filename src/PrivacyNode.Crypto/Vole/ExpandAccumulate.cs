using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using PrivacyNode.Crypto.Blocks;

namespace PrivacyNode.Crypto.Vole;

/// <summary>
/// The compression of silent VOLE: y = x·G for the expand-accumulate code G = A·B of a chunk, where A accumulates (prefix sums:
/// x'_i = x_0 + … + x_i) and B expands (output i is the sum of <see cref="VoleParameters.ExpanderWeight"/> accumulated positions
/// drawn uniformly from [0, N)). The positions come from AES-128 in counter mode under a public seed of the chunk's shape, so both
/// parties draw the same code. Linear, so it maps the correlation w = v + e·Δ to C = B + A·Δ.
/// </summary>
internal static class ExpandAccumulate
{
    private const int BlocksPerOutput = 3;
    private const int Batch = 1024;

    private static ReadOnlySpan<byte> Domain => "privacynode ea code v1 w11"u8;

    /// <summary>x_i ← x_0 + … + x_i.</summary>
    public static void Accumulate(Span<UInt128> x)
    {
        for (var i = 1; i < x.Length; i++)
        {
            x[i] ^= x[i - 1];
        }
    }

    /// <summary>Output i of <paramref name="output"/> (the chunk's first outputs) is the sum of its positions in the accumulated <paramref name="accumulated"/>.</summary>
    public static void Expand(VoleChunk chunk, UInt128[] accumulated, UInt128[] output, CancellationToken cancellationToken) =>
        ForEachBatch(chunk, output.Length, (from, positions) =>
        {
            for (var i = 0; i < positions.Length / VoleParameters.ExpanderWeight; i++)
            {
                var sum = UInt128.Zero;
                foreach (var p in positions.Slice(i * VoleParameters.ExpanderWeight, VoleParameters.ExpanderWeight))
                {
                    sum ^= accumulated[p];
                }

                output[from + i] = sum;
            }
        }, cancellationToken);

    /// <summary>
    /// As <see cref="Expand"/> for the accumulation of regular noise: one value β_k at position α_k of each tree's block of
    /// <see cref="VoleChunk.Leaves"/>, so the accumulated vector at p is the sum of the β of the trees before p's and, when p is at
    /// or past α of its own tree, that tree's β. Computed without branching on α or β.
    /// </summary>
    public static void ExpandNoise(VoleChunk chunk, int[] alphas, UInt128[] betas, UInt128[] output, CancellationToken cancellationToken)
    {
        var before = new UInt128[betas.Length];
        for (var k = 1; k < betas.Length; k++)
        {
            before[k] = before[k - 1] ^ betas[k - 1];
        }

        var leaves = chunk.Leaves;
        ForEachBatch(chunk, output.Length, (from, positions) =>
        {
            for (var i = 0; i < positions.Length / VoleParameters.ExpanderWeight; i++)
            {
                var sum = UInt128.Zero;
                foreach (var p in positions.Slice(i * VoleParameters.ExpanderWeight, VoleParameters.ExpanderWeight))
                {
                    var tree = (int)p / leaves;
                    var within = (int)p - (tree * leaves);
                    var reached = (UInt128)(uint)(((within - alphas[tree]) >> 31) + 1);
                    sum ^= before[tree] ^ (betas[tree] & (UInt128.Zero - reached));
                }

                output[from + i] = sum;
            }
        }, cancellationToken);
    }

    /// <summary>Runs <paramref name="body"/>(first output, positions) over batches of outputs on every core.</summary>
    private static void ForEachBatch(VoleChunk chunk, int count, Action<int, ReadOnlySpan<uint>> body, CancellationToken cancellationToken)
    {
        Span<byte> shape = stackalloc byte[Domain.Length + 8];
        Domain.CopyTo(shape);
        BinaryPrimitives.WriteInt32LittleEndian(shape[Domain.Length..], chunk.Computed);
        BinaryPrimitives.WriteInt32LittleEndian(shape[(Domain.Length + 4)..], chunk.CodeSize);
        using var prg = new AesPrg(SHA256.HashData(shape).AsSpan(0, Aes128.BlockSize));
        var codeSize = (ulong)chunk.CodeSize;
        Parallel.For(0, (count + Batch - 1) / Batch, new ParallelOptions { CancellationToken = cancellationToken }, b =>
        {
            var from = b * Batch;
            var length = Math.Min(Batch, count - from);
            // Rented: a chunk expands a thousand batches, and fresh arrays this size would keep the collector busy.
            var rentedRandom = ArrayPool<byte>.Shared.Rent(Batch * BlocksPerOutput * Aes128.BlockSize);
            var rentedPositions = ArrayPool<uint>.Shared.Rent(Batch * VoleParameters.ExpanderWeight);
            var random = rentedRandom.AsSpan(0, length * BlocksPerOutput * Aes128.BlockSize);
            prg.Fill(random, (ulong)from * BlocksPerOutput);
            var positions = rentedPositions.AsSpan(0, length * VoleParameters.ExpanderWeight);
            for (var i = 0; i < length; i++)
            {
                for (var j = 0; j < VoleParameters.ExpanderWeight; j++)
                {
                    var word = BinaryPrimitives.ReadUInt32LittleEndian(random[((i * BlocksPerOutput * Aes128.BlockSize) + (j * sizeof(uint)))..]);
                    positions[(i * VoleParameters.ExpanderWeight) + j] = (uint)((word * codeSize) >> 32);
                }
            }

            body(from, positions);
            ArrayPool<byte>.Shared.Return(rentedRandom);
            ArrayPool<uint>.Shared.Return(rentedPositions);
        });
    }
}
