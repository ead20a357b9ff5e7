namespace PrivacyNode.Node.Catalog;

/// <summary>
/// The 128-bit fingerprints of one key column's valid keys, for counting the distinct ones in 16 bytes per key and without a
/// hash table: fingerprints go into blocks of 2^20 as they come, and <see cref="CountDistinct"/> sorts each block and merges them.
/// </summary>
internal sealed class KeyFingerprints
{
    private const int BlockSize = 1 << 20;
    private readonly List<UInt128[]> _blocks = [];
    private int _inLast = BlockSize;

    /// <summary>How many fingerprints were added.</summary>
    public long Count { get; private set; }

    public void Add(UInt128 fingerprint)
    {
        if (_inLast == BlockSize)
        {
            _blocks.Add(new UInt128[BlockSize]);
            _inLast = 0;
        }

        _blocks[^1][_inLast++] = fingerprint;
        Count++;
    }

    /// <summary>The number of distinct fingerprints added.</summary>
    public long CountDistinct()
    {
        var blocks = _blocks.Select((block, i) => block.AsMemory(0, i == _blocks.Count - 1 ? _inLast : BlockSize)).ToList();
        foreach (var block in blocks)
        {
            block.Span.Sort();
        }

        // A k-way merge of the sorted blocks, counting each value once.
        var heads = new int[blocks.Count];
        var queue = new PriorityQueue<int, UInt128>();
        for (var b = 0; b < blocks.Count; b++)
        {
            if (blocks[b].Length > 0)
            {
                queue.Enqueue(b, blocks[b].Span[0]);
            }
        }

        long distinct = 0;
        UInt128? last = null;
        while (queue.TryDequeue(out var b, out var value))
        {
            if (last != value)
            {
                distinct++;
                last = value;
            }

            if (++heads[b] < blocks[b].Length)
            {
                queue.Enqueue(b, blocks[b].Span[heads[b]]);
            }
        }

        return distinct;
    }
}
