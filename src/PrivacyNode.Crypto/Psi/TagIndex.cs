using System.Buffers.Binary;

namespace PrivacyNode.Crypto.Psi;

/// <summary>
/// The requester's own match tags, each with the index of its key. Lookups go through a bit filter first
/// (tags are uniformly random, so their low bits index it directly): with 16 filter bits per own tag,
/// about 94 % of a large provider's tags are rejected without touching the dictionary.
/// </summary>
internal sealed class TagIndex(int capacity)
{
    private readonly Dictionary<UInt128, int> _indexes = new(capacity);
    private readonly ulong[] _filter = new ulong[FilterWords(capacity)];

    public void Add(ReadOnlySpan<byte> tag, int index)
    {
        var value = BinaryPrimitives.ReadUInt128LittleEndian(tag);
        var bit = Bit(value);
        _filter[bit >> 6] |= 1UL << (int)(bit & 63);
        _indexes[value] = index;
    }

    public bool TryGet(ReadOnlySpan<byte> tag, out int index)
    {
        var value = BinaryPrimitives.ReadUInt128LittleEndian(tag);
        var bit = Bit(value);
        if ((_filter[bit >> 6] & (1UL << (int)(bit & 63))) == 0)
        {
            index = -1;
            return false;
        }

        return _indexes.TryGetValue(value, out index);
    }

    private ulong Bit(UInt128 value) => (ulong)value & (((ulong)_filter.Length << 6) - 1);

    /// <summary>A power of two words, at least 16 bits per tag and 2^16 bits in all, at most 2^30 bits.</summary>
    private static int FilterWords(int capacity) =>
        (int)(Math.Clamp(System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)Math.Max(1, capacity) * 16), 1UL << 16, 1UL << 30) >> 6);
}
