using System.Buffers.Binary;
using System.Runtime.InteropServices;
using PrivacyNode.Crypto.Blocks;

namespace PrivacyNode.Crypto.Vole;

/// <summary>
/// Silent VOLE over GF(2^128) (docs/protocols/psi-vole.md): the receiver ends with A and C, the sender with Δ and B, such that
/// C = B + A·Δ and A is pseudorandom. Per chunk, each of 256 GGM trees gives the sender a vector v and the receiver the same vector
/// punctured at a secret α, repaired there to v_α + β·Δ through a base VOLE of β built from 128 correlated OTs (β = Σ β_j·x^j,
/// shares Σ x^j·t_j and Σ x^j·q_j). Both then compress with the chunk's expand-accumulate code: the regular noise e (β at α) is the
/// LPN error, so A = e·G is pseudorandom under dual LPN. All correlated OTs come from one OT extension with the sender's Δ.
/// </summary>
public static class SilentVole
{
    /// <summary>Σ_j x^j · r_j over 128 consecutive rows: a base VOLE share of the value whose bits chose those OTs.</summary>
    internal static UInt128 Compose(ReadOnlySpan<UInt128> rows) => Gf128.InnerProduct(Powers, rows[..128]);

    /// <summary>H(i, x) for 16-byte blocks: the tweakable correlation-robust hash that makes the OTs of a tree's levels random OTs.</summary>
    internal static void Hash(ReadOnlySpan<UInt128> input, int firstOt, Span<UInt128> output) =>
        FixedKeyHash.TweakableCorrelationRobust(MemoryMarshal.AsBytes(input), (ulong)firstOt, MemoryMarshal.AsBytes(output));

    /// <summary>A chunk's code-length scratch, kept across chunks (zeroed after each) so that a VOLE of many chunks allocates it once.</summary>
    internal static UInt128[] CodeBuffer(ref UInt128[] kept, VoleChunk chunk)
    {
        if (kept.Length < chunk.CodeSize)
        {
            kept = new UInt128[chunk.CodeSize];
        }

        return kept;
    }

    private static readonly UInt128[] Powers = [.. Enumerable.Range(0, 128).Select(j => UInt128.One << j)];
}

/// <summary>The sender of a silent VOLE: draws Δ, answers the OT extension, and per chunk sends its trees' message and keeps B.</summary>
/// <remarks>Dispose to zero the OT keys and Δ.</remarks>
public sealed class SilentVoleSender : IDisposable
{
    private readonly OtExtensionSender _extension;
    private UInt128 _delta;
    private UInt128[]? _q;
    private UInt128[] _code = [];

    /// <summary>A sender with global correlation <paramref name="delta"/>, over the base-OT keys it chose by Δ's bits.</summary>
    public SilentVoleSender(VoleParameters parameters, UInt128 delta, IReadOnlyList<byte[]> chosenBaseKeys)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters;
        _delta = delta;
        _extension = new OtExtensionSender(delta, chosenBaseKeys);
    }

    /// <summary>The VOLE's shape.</summary>
    public VoleParameters Parameters { get; }

    /// <summary>Takes the receiver's OT extension message.</summary>
    /// <exception cref="VoleProtocolException">The message has the wrong size.</exception>
    public void AcceptExtension(ReadOnlyMemory<byte> message) => _q = _extension.Receive(Parameters.OtCount, message);

    /// <summary>The message of a chunk for the receiver, and the sender's B for the chunk's outputs.</summary>
    public (byte[] Message, UInt128[] B) Chunk(VoleChunk chunk, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var q = _q ?? throw new InvalidOperationException("The OT extension message has not arrived.");
        var v = SilentVole.CodeBuffer(ref _code, chunk);
        var message = new byte[chunk.MessageSize];
        var perTree = (chunk.Depth * 32) + 16;
        var delta = _delta;
        Parallel.For(0, VoleParameters.NoiseWeight, new ParallelOptions { CancellationToken = cancellationToken }, () => new TreeBuffers(chunk.Depth), (k, _, buffers) =>
        {
            Span<byte> root = stackalloc byte[16];
            CryptoRandom.Fill(root);
            Ggm.Expand(BinaryPrimitives.ReadUInt128LittleEndian(root), chunk.Depth, buffers.Leaves, buffers.Scratch, buffers.Sums);
            root.Clear();
            var leaves = buffers.Leaves.AsSpan(0, chunk.Leaves);
            leaves.CopyTo(v.AsSpan(k * chunk.Leaves, chunk.Leaves));

            // Encrypt each level's sums under the random OTs H(i, q_i) and H(i, q_i ⊕ Δ).
            var firstOt = chunk.FirstOt + (k * chunk.Depth);
            var rows = q.AsSpan(firstOt, chunk.Depth);
            Span<UInt128> pads = stackalloc UInt128[chunk.Depth];
            Span<UInt128> shifted = stackalloc UInt128[chunk.Depth];
            SilentVole.Hash(rows, firstOt, pads);
            for (var l = 0; l < chunk.Depth; l++)
            {
                shifted[l] = rows[l] ^ delta;
            }

            SilentVole.Hash(shifted, firstOt, shifted);
            var output = message.AsSpan(k * perTree, perTree);
            for (var l = 0; l < chunk.Depth; l++)
            {
                BinaryPrimitives.WriteUInt128LittleEndian(output[(l * 32)..], buffers.Sums[2 * l] ^ pads[l]);
                BinaryPrimitives.WriteUInt128LittleEndian(output[((l * 32) + 16)..], buffers.Sums[(2 * l) + 1] ^ shifted[l]);
            }

            // The correction c = Σ v_j + (the sender's share of β·Δ).
            var correction = SilentVole.Compose(q.AsSpan(chunk.FirstValueOt + (k * 128), 128));
            foreach (var leaf in leaves)
            {
                correction ^= leaf;
            }

            BinaryPrimitives.WriteUInt128LittleEndian(output[(chunk.Depth * 32)..], correction);
            return buffers;
        }, buffers => buffers.Clear());

        ExpandAccumulate.Accumulate(v.AsSpan(0, chunk.CodeSize));
        var b = new UInt128[chunk.Size];
        ExpandAccumulate.Expand(chunk, v, b, cancellationToken);
        Array.Clear(v, 0, chunk.CodeSize);
        return (message, b);
    }

    /// <summary>Zeroes Δ, the OT rows and keys.</summary>
    public void Dispose()
    {
        _delta = UInt128.Zero;
        if (_q is not null)
        {
            Array.Clear(_q);
        }

        _extension.Dispose();
    }
}

/// <summary>The receiver of a silent VOLE: draws the noise, starts the OT extension, and per chunk turns the sender's message into A and C.</summary>
/// <remarks>Dispose to zero the noise and OT rows.</remarks>
public sealed class SilentVoleReceiver : IDisposable
{
    private readonly int[][] _alphas;
    private readonly UInt128[][] _betas;
    private readonly UInt128[] _t;
    private UInt128[] _code = [];

    /// <summary>A receiver over the base-OT sender's keys; the extension message is ready at once.</summary>
    public SilentVoleReceiver(VoleParameters parameters, IReadOnlyList<byte[]> baseZero, IReadOnlyList<byte[]> baseOne)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters;
        var choices = new bool[parameters.OtCount];
        _alphas = new int[parameters.Chunks.Count][];
        _betas = new UInt128[parameters.Chunks.Count][];
        Span<byte> random = stackalloc byte[16];
        foreach (var chunk in parameters.Chunks)
        {
            var alphas = _alphas[chunk.Index] = new int[VoleParameters.NoiseWeight];
            var betas = _betas[chunk.Index] = new UInt128[VoleParameters.NoiseWeight];
            for (var k = 0; k < VoleParameters.NoiseWeight; k++)
            {
                alphas[k] = System.Security.Cryptography.RandomNumberGenerator.GetInt32(chunk.Leaves);
                do
                {
                    CryptoRandom.Fill(random);
                    betas[k] = BinaryPrimitives.ReadUInt128LittleEndian(random);
                }
                while (betas[k] == UInt128.Zero);

                // Level ℓ's OT chooses the side away from α's path; the value OTs choose β's bits.
                for (var l = 1; l <= chunk.Depth; l++)
                {
                    choices[chunk.FirstOt + (k * chunk.Depth) + l - 1] = ((alphas[k] >> (chunk.Depth - l)) & 1) == 0;
                }

                for (var j = 0; j < 128; j++)
                {
                    choices[chunk.FirstValueOt + (k * 128) + j] = ((betas[k] >> j) & 1) == 1;
                }
            }
        }

        random.Clear();
        using var extension = new OtExtensionReceiver(baseZero, baseOne);
        (ExtensionMessage, _t) = extension.Extend(choices);
        Array.Clear(choices);
    }

    /// <summary>The VOLE's shape.</summary>
    public VoleParameters Parameters { get; }

    /// <summary>The OT extension message for the sender.</summary>
    public byte[] ExtensionMessage { get; }

    /// <summary>A and C of a chunk's outputs from the sender's message for it.</summary>
    /// <exception cref="VoleProtocolException">The message has the wrong size.</exception>
    public (UInt128[] A, UInt128[] C) Chunk(VoleChunk chunk, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        if (message.Length != chunk.MessageSize)
        {
            throw new VoleProtocolException($"The VOLE message of chunk {chunk.Index} is {chunk.MessageSize} bytes; got {message.Length}.");
        }

        var w = SilentVole.CodeBuffer(ref _code, chunk);
        var perTree = (chunk.Depth * 32) + 16;
        var (alphas, betas, t) = (_alphas[chunk.Index], _betas[chunk.Index], _t);
        Parallel.For(0, VoleParameters.NoiseWeight, new ParallelOptions { CancellationToken = cancellationToken }, () => new TreeBuffers(chunk.Depth), (k, _, buffers) =>
        {
            var input = message.Span.Slice(k * perTree, perTree);
            var firstOt = chunk.FirstOt + (k * chunk.Depth);
            Span<UInt128> pads = stackalloc UInt128[chunk.Depth];
            SilentVole.Hash(t.AsSpan(firstOt, chunk.Depth), firstOt, pads);
            var offPath = buffers.Sums.AsSpan(0, chunk.Depth);
            for (var l = 1; l <= chunk.Depth; l++)
            {
                // The side away from the path: right (1) when α's bit at this level is 0.
                var side = (UInt128)(uint)(((alphas[k] >> (chunk.Depth - l)) & 1) ^ 1);
                var mask = UInt128.Zero - side;
                var left = BinaryPrimitives.ReadUInt128LittleEndian(input[((l - 1) * 32)..]);
                var right = BinaryPrimitives.ReadUInt128LittleEndian(input[(((l - 1) * 32) + 16)..]);
                offPath[l - 1] = ((left & ~mask) ^ (right & mask)) ^ pads[l - 1];
            }

            Ggm.Puncture(alphas[k], chunk.Depth, offPath, buffers.Leaves, buffers.Scratch);
            var leaves = buffers.Leaves.AsSpan(0, chunk.Leaves);
            var repaired = BinaryPrimitives.ReadUInt128LittleEndian(input[(chunk.Depth * 32)..]) ^ SilentVole.Compose(t.AsSpan(chunk.FirstValueOt + (k * 128), 128));
            foreach (var leaf in leaves)
            {
                repaired ^= leaf;
            }

            leaves[alphas[k]] = repaired;
            leaves.CopyTo(w.AsSpan(k * chunk.Leaves, chunk.Leaves));
            return buffers;
        }, buffers => buffers.Clear());

        ExpandAccumulate.Accumulate(w.AsSpan(0, chunk.CodeSize));
        var c = new UInt128[chunk.Size];
        ExpandAccumulate.Expand(chunk, w, c, cancellationToken);
        Array.Clear(w, 0, chunk.CodeSize);
        var a = new UInt128[chunk.Size];
        ExpandAccumulate.ExpandNoise(chunk, alphas, betas, a, cancellationToken);
        return (a, c);
    }

    /// <summary>Zeroes the noise and the OT rows.</summary>
    public void Dispose()
    {
        foreach (var alphas in _alphas)
        {
            Array.Clear(alphas);
        }

        foreach (var betas in _betas)
        {
            Array.Clear(betas);
        }

        Array.Clear(_t);
    }
}

/// <summary>One thread's buffers for GGM trees of one depth.</summary>
internal sealed class TreeBuffers(int depth)
{
    public UInt128[] Leaves { get; } = new UInt128[1 << depth];

    public UInt128[] Scratch { get; } = new UInt128[Ggm.ScratchSize(depth)];

    public UInt128[] Sums { get; } = new UInt128[2 * depth];

    public void Clear()
    {
        Array.Clear(Leaves);
        Array.Clear(Scratch);
        Array.Clear(Sums);
    }
}
