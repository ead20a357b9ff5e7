using System.Buffers.Binary;
using System.Security.Cryptography;

namespace PrivacyNode.Crypto;

/// <summary>
/// Uniformly random orders from the OS CSPRNG: Fisher–Yates, with each index drawn without bias by Lemire's multiply-and-reject
/// method from random words fetched 4 KiB at a time (one CSPRNG call per element would cost more than the rest of a tag).
/// </summary>
public static class RandomOrder
{
    /// <summary>Puts <paramref name="items"/> in a uniformly random order.</summary>
    public static void Shuffle<T>(Span<T> items)
    {
        var words = new Words();
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = (int)words.Below((uint)i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }

        words.Clear();
    }

    /// <summary>Puts the fixed-size records of <paramref name="records"/> in a uniformly random order.</summary>
    public static void Shuffle(Span<byte> records, int recordSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(recordSize);
        var words = new Words();
        Span<byte> swap = stackalloc byte[recordSize];
        for (var i = (records.Length / recordSize) - 1; i > 0; i--)
        {
            var j = (int)words.Below((uint)i + 1);
            var a = records.Slice(i * recordSize, recordSize);
            var b = records.Slice(j * recordSize, recordSize);
            a.CopyTo(swap);
            b.CopyTo(a);
            swap.CopyTo(b);
        }

        words.Clear();
    }

    /// <summary>0, 1, …, count − 1 in a uniformly random order.</summary>
    public static int[] Permutation(int count)
    {
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }

        Shuffle<int>(order);
        return order;
    }

    /// <summary>Random 32-bit words from the CSPRNG, a block at a time.</summary>
    private sealed class Words
    {
        private readonly byte[] _block = new byte[4096];
        private int _next = 4096;

        /// <summary>A uniform value in [0, bound) (bound &gt; 0): Lemire, "Fast Random Integer Generation in an Interval" (2019).</summary>
        public uint Below(uint bound)
        {
            var product = (ulong)Next() * bound;
            if ((uint)product < bound)
            {
                var threshold = (0u - bound) % bound;
                while ((uint)product < threshold)
                {
                    product = (ulong)Next() * bound;
                }
            }

            return (uint)(product >> 32);
        }

        public void Clear() => CryptographicOperations.ZeroMemory(_block);

        private uint Next()
        {
            if (_next == _block.Length)
            {
                CryptoRandom.Fill(_block);
                _next = 0;
            }

            var word = BinaryPrimitives.ReadUInt32LittleEndian(_block.AsSpan(_next));
            _next += sizeof(uint);
            return word;
        }
    }
}
