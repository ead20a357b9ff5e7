using System.Buffers.Binary;

namespace PrivacyNode.Crypto.Psi;

/// <summary>
/// The requester's own match tags, each stored at the index of its key, found again through an open-addressing table of those indexes
/// (linear probing, at most half full) and, before it, a bit filter (tags are uniformly random, so their low bits index the filter and
/// their high bits the table directly): with 16 filter bits per own tag, about 94 % of a large provider's tags are rejected without
/// touching the table. Memory: 16 bytes per key, 8 to 16 per key of table, 2 of filter.
/// </summary>
internal sealed class TagIndex(int capacity)
{
    private readonly UInt128[] _tags = new UInt128[capacity];
    private readonly int[] _slots = new int[(int)Math.Max(16, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, capacity) * 2))];
    private readonly ulong[] _filter = new ulong[FilterWords(capacity)];

    /// <summary>Records <paramref name="tag"/> as key <paramref name="index"/>'s (each index once, in [0, capacity)).</summary>
    public void Add(ReadOnlySpan<byte> tag, int index)
    {
        var value = BinaryPrimitives.ReadUInt128LittleEndian(tag);
        var bit = Bit(value);
        _filter[bit >> 6] |= 1UL << (int)(bit & 63);
        _tags[index] = value;
        var slot = Slot(value);
        while (_slots[slot] != 0 && _tags[_slots[slot] - 1] != value)
        {
            slot = (slot + 1) & (_slots.Length - 1);
        }

        _slots[slot] = index + 1;
    }

    public bool TryGet(ReadOnlySpan<byte> tag, out int index)
    {
        var value = BinaryPrimitives.ReadUInt128LittleEndian(tag);
        var bit = Bit(value);
        if ((_filter[bit >> 6] & (1UL << (int)(bit & 63))) != 0)
        {
            for (var slot = Slot(value); _slots[slot] != 0; slot = (slot + 1) & (_slots.Length - 1))
            {
                if (_tags[_slots[slot] - 1] == value)
                {
                    index = _slots[slot] - 1;
                    return true;
                }
            }
        }

        index = -1;
        return false;
    }

    private ulong Bit(UInt128 value) => (ulong)value & (((ulong)_filter.Length << 6) - 1);

    private int Slot(UInt128 value) => (int)((ulong)(value >> 64) & (ulong)(_slots.Length - 1));

    /// <summary>A power of two words, at least 16 bits per tag and 2^16 bits in all, at most 2^30 bits.</summary>
    private static int FilterWords(int capacity) =>
        (int)(Math.Clamp(System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)Math.Max(1, capacity) * 16), 1UL << 16, 1UL << 30) >> 6);
}
