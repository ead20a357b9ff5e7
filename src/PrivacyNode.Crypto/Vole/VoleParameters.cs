namespace PrivacyNode.Crypto.Vole;

/// <summary>
/// The shape of a silent VOLE of a given length (docs/protocols/psi-vole.md): outputs are made in chunks of at most 2^21, each its own
/// dual-LPN instance over an expand-accumulate code (Boyle, Couteau, Gilboa, Ishai, Kohl, Resch, Scholl, "Correlated
/// Pseudorandomness from Expand-Accumulate Codes", CRYPTO 2022) of rate 1/5 and expander weight 11, with regular noise of weight
/// 256: one noise position per GGM tree. The weight follows libOTe's rule for this code (minimum-distance ratio 0.15, so
/// t = 128 / −log2(1 − 2·0.15) ≈ 249, rounded up to 256) for 128-bit security against linear attacks.
/// </summary>
public sealed class VoleParameters
{
    /// <summary>Noise positions per chunk: the number of GGM trees.</summary>
    public const int NoiseWeight = 256;

    /// <summary>Positions of the accumulated noise added into each output.</summary>
    public const int ExpanderWeight = 11;

    /// <summary>Code length over output length.</summary>
    public const int CodeRate = 5;

    /// <summary>The fewest outputs a chunk is computed for (smaller requests use the first outputs of one this size).</summary>
    public const int MinChunk = 1 << 12;

    /// <summary>The most outputs of one chunk.</summary>
    public const int MaxChunk = 1 << 21;

    /// <summary>The parameters of a VOLE with <paramref name="outputSize"/> outputs.</summary>
    public VoleParameters(int outputSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(outputSize);
        OutputSize = outputSize;
        var count = Math.Max(1, (outputSize + MaxChunk - 1) / MaxChunk);
        var chunks = new VoleChunk[outputSize == 0 ? 0 : count];
        var (start, firstOt) = (0, 0);
        for (var c = 0; c < chunks.Length; c++)
        {
            var size = (outputSize - start) / (chunks.Length - c);
            var computed = Math.Max(size, MinChunk);
            var leaves = ((CodeRate * computed) + NoiseWeight - 1) / NoiseWeight;
            var depth = Math.Max(1, (int)Math.Ceiling(Math.Log2(leaves)));
            chunks[c] = new VoleChunk(c, start, size, computed, leaves, depth, firstOt);
            start += size;
            firstOt += chunks[c].OtCount;
        }

        Chunks = chunks;
        OtCount = firstOt;
    }

    /// <summary>The outputs in all.</summary>
    public int OutputSize { get; }

    /// <summary>The chunks, in output order.</summary>
    public IReadOnlyList<VoleChunk> Chunks { get; }

    /// <summary>Correlated OTs consumed in all.</summary>
    public int OtCount { get; }
}

/// <summary>One dual-LPN instance of a VOLE.</summary>
/// <param name="Index">Its place among the chunks.</param>
/// <param name="Start">Its first output in the whole VOLE.</param>
/// <param name="Size">The outputs it contributes.</param>
/// <param name="Computed">The outputs it computes (at least <see cref="VoleParameters.MinChunk"/>).</param>
/// <param name="Leaves">Noise positions per tree: the code has <see cref="VoleParameters.NoiseWeight"/> blocks of this many.</param>
/// <param name="Depth">The depth of each GGM tree (2^Depth ≥ Leaves).</param>
/// <param name="FirstOt">The index of its first correlated OT.</param>
public sealed record VoleChunk(int Index, int Start, int Size, int Computed, int Leaves, int Depth, int FirstOt)
{
    /// <summary>The code length N.</summary>
    public int CodeSize => VoleParameters.NoiseWeight * Leaves;

    /// <summary>Correlated OTs: one per tree level (to puncture) and 128 per tree (the base VOLE of its noise value).</summary>
    public int OtCount => VoleParameters.NoiseWeight * (Depth + 128);

    /// <summary>The index of the first OT of the noise values' base VOLE.</summary>
    public int FirstValueOt => FirstOt + (VoleParameters.NoiseWeight * Depth);

    /// <summary>Bytes of the sender's message: per tree, both encrypted sums of each level and the correction.</summary>
    public int MessageSize => VoleParameters.NoiseWeight * ((Depth * 32) + 16);
}
