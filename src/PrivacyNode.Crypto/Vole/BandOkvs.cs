using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PrivacyNode.Crypto.Vole;

/// <summary>
/// A random-band oblivious key-value store over GF(2^128), RB-OKVS of Bienstock, Patel, Seo and Yeo ("Near-Optimal Oblivious Key-Value
/// Stores for Efficient PSI, PSU and Volume-Hiding Multi-Maps", USENIX Security 2023). A key's row is a random band of
/// <see cref="Width"/> bits starting at a random column; the store P of m = (1 + <see cref="Expansion"/>)·n columns solves
/// ⟨row(k_i), P⟩ = v_i by Gaussian elimination on rows sorted by start, which stays inside the band, and the columns no pivot fixes
/// are random, so P alone says nothing about the keys. Decoding a key is the sum of the columns its band selects. With ε = 0.1 the
/// paper's fit of failure probability, λ ≈ 0.2691·w − 15.21, gives about 2^−53 at w = 256: encoding fails on fewer than one set in
/// 2^40 (the caller then needs a new hash seed).
/// </summary>
public static class BandOkvs
{
    /// <summary>Bits of a band.</summary>
    public const int Width = 256;

    /// <summary>Columns per key beyond one.</summary>
    public const double Expansion = 0.1;

    /// <summary>The columns of a store for <paramref name="count"/> keys: (1 + ε)·n, and never fewer than a band.</summary>
    public static int Size(int count) => Math.Max(Width, (int)Math.Ceiling((1 + Expansion) * count));

    /// <summary>The row of a key from 40 bytes of its hash: a start in [0, size − w] from the first 8, the band from the next 32.</summary>
    public static OkvsRow Row(ReadOnlySpan<byte> hash, int size)
    {
        var start = (int)Math.BigMul(BinaryPrimitives.ReadUInt64LittleEndian(hash), (ulong)(size - Width + 1), out _);
        return new OkvsRow(start, new Band(
            BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(hash[24..]),
            BinaryPrimitives.ReadUInt64LittleEndian(hash[32..])));
    }

    /// <summary>⟨row, P⟩.</summary>
    public static UInt128 Decode(ReadOnlySpan<UInt128> store, OkvsRow row)
    {
        ref var columns = ref Unsafe.As<UInt128, Vector128<ulong>>(ref MemoryMarshal.GetReference(store.Slice(row.Start, Width)));
        var sum = Sum(ref columns, row.Band.W0) ^ Sum(ref Unsafe.Add(ref columns, 64), row.Band.W1)
            ^ Sum(ref Unsafe.Add(ref columns, 128), row.Band.W2) ^ Sum(ref Unsafe.Add(ref columns, 192), row.Band.W3);
        return new UInt128(sum.GetElement(1), sum.GetElement(0));
    }

    /// <summary>
    /// A store of <paramref name="size"/> columns with ⟨rows[i], P⟩ = values[i] for every i, its free columns drawn at random; false
    /// when the rows are linearly dependent.
    /// </summary>
    public static bool TryEncode(OkvsRow[] rows, UInt128[] values, int size, out UInt128[] store)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(values);
        if (rows.Length != values.Length)
        {
            throw new ArgumentException("One value per row is needed.", nameof(values));
        }

        return TryEncode(rows.Length, (from, batchRows, batchValues) =>
        {
            rows.AsSpan(from, batchRows.Length).CopyTo(batchRows);
            values.AsSpan(from, batchValues.Length).CopyTo(batchValues);
        }, size, out store);
    }

    /// <summary>
    /// As <see cref="TryEncode(OkvsRow[], UInt128[], int, out UInt128[])"/> for <paramref name="count"/> rows that
    /// <paramref name="source"/> computes (twice each, from any thread, in batches of at most <see cref="SourceBatch"/>), so that only
    /// the sorted copy the elimination works on is held: 61 bytes per row besides the 16 per column of the store.
    /// </summary>
    public static bool TryEncode(int count, RowSource source, int size, out UInt128[] store)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (count < 0 || size < Width)
        {
            throw new ArgumentException("At least a band's width of columns is needed.", nameof(size));
        }

        store = [];

        // Each row's place in start order (a counting sort on the starts), then the rows computed again straight into those places.
        var places = new int[count];
        ForBatches(count, (from, rows, _) =>
        {
            for (var i = 0; i < rows.Length; i++)
            {
                places[from + i] = rows[i].Start;
            }
        });
        var next = new int[size + 1];
        foreach (var start in places)
        {
            next[start + 1]++;
        }

        for (var s = 1; s <= size; s++)
        {
            next[s] += next[s - 1];
        }

        for (var i = 0; i < count; i++)
        {
            places[i] = next[places[i]]++;
        }

        var starts = new int[count];
        var bands = new Band[count];
        var sums = new UInt128[count];
        ForBatches(count, (from, rows, values) =>
        {
            for (var i = 0; i < rows.Length; i++)
            {
                var place = places[from + i];
                (starts[place], bands[place], sums[place]) = (rows[i].Start, rows[i].Band, values[i]);
            }
        });

        // Forward elimination: each row's first bit is its pivot, cleared from the later rows whose bands reach it.
        var pivots = new byte[count];
        for (var i = 0; i < count; i++)
        {
            if (bands[i].IsZero)
            {
                return false;
            }

            var pivot = starts[i] + bands[i].TrailingZeroCount();
            pivots[i] = (byte)(pivot - starts[i]);
            for (var j = i + 1; j < count && starts[j] <= pivot; j++)
            {
                if (bands[j].Bit(pivot - starts[j]))
                {
                    bands[j] = bands[j] ^ bands[i].ShiftRight(starts[j] - starts[i]);
                    sums[j] ^= sums[i];
                }
            }
        }

        // Back substitution from the last row: every other column of a row is free (random) or a later row's pivot.
        var result = new UInt128[size];
        CryptoRandom.Fill(MemoryMarshal.AsBytes(result.AsSpan()));
        for (var i = count - 1; i >= 0; i--)
        {
            var pivot = starts[i] + pivots[i];
            result[pivot] = UInt128.Zero;
            result[pivot] = sums[i] ^ Decode(result, new OkvsRow(starts[i], bands[i]));
        }

        Array.Clear(sums);
        store = result;
        return true;

        void ForBatches(int total, RowSource body) => Parallel.For(0, (total + SourceBatch - 1) / SourceBatch, () => (new OkvsRow[SourceBatch], new UInt128[SourceBatch]), (b, _, buffers) =>
        {
            var from = b * SourceBatch;
            var length = Math.Min(SourceBatch, total - from);
            source(from, buffers.Item1.AsSpan(0, length), buffers.Item2.AsSpan(0, length));
            body(from, buffers.Item1.AsSpan(0, length), buffers.Item2.AsSpan(0, length));
            return buffers;
        }, buffers => Array.Clear(buffers.Item2));
    }

    /// <summary>The most rows a <see cref="RowSource"/> is asked for at once.</summary>
    public const int SourceBatch = 4096;

    /// <summary>The sum of the 64 columns from <paramref name="columns"/> that <paramref name="bits"/> selects, in two independent chains.</summary>
    private static Vector128<ulong> Sum(ref Vector128<ulong> columns, ulong bits)
    {
        var (even, odd) = (Vector128<ulong>.Zero, Vector128<ulong>.Zero);
        while (bits != 0)
        {
            even ^= Unsafe.Add(ref columns, BitOperations.TrailingZeroCount(bits));
            bits &= bits - 1;
            if (bits == 0)
            {
                break;
            }

            odd ^= Unsafe.Add(ref columns, BitOperations.TrailingZeroCount(bits));
            bits &= bits - 1;
        }

        return even ^ odd;
    }
}

/// <summary>Fills <paramref name="rows"/> and <paramref name="values"/> with those of the rows from <paramref name="from"/> on.</summary>
public delegate void RowSource(int from, Span<OkvsRow> rows, Span<UInt128> values);

/// <summary>A key's row: <see cref="BandOkvs.Width"/> bits from column <paramref name="Start"/>.</summary>
public readonly record struct OkvsRow(int Start, Band Band);

/// <summary>A band of 256 bits, bit i of word i / 64 being column start + i.</summary>
public readonly record struct Band(ulong W0, ulong W1, ulong W2, ulong W3)
{
    /// <summary>Whether no bit is set.</summary>
    public bool IsZero => (W0 | W1 | W2 | W3) == 0;

    /// <summary>The index of the lowest set bit (the band is not zero).</summary>
    public int TrailingZeroCount() =>
        W0 != 0 ? BitOperations.TrailingZeroCount(W0)
        : W1 != 0 ? 64 + BitOperations.TrailingZeroCount(W1)
        : W2 != 0 ? 128 + BitOperations.TrailingZeroCount(W2)
        : 192 + BitOperations.TrailingZeroCount(W3);

    /// <summary>Whether bit <paramref name="index"/> is set.</summary>
    public bool Bit(int index) => ((index switch { < 64 => W0, < 128 => W1, < 192 => W2, _ => W3 }) >> (index & 63) & 1) != 0;

    /// <summary>The band moved down by <paramref name="shift"/> bits (0 ≤ shift &lt; 256), zeros entering at the top.</summary>
    public Band ShiftRight(int shift)
    {
        Span<ulong> words = [W0, W1, W2, W3, 0, 0, 0, 0];
        var (whole, bits) = (shift >> 6, shift & 63);
        Span<ulong> moved = stackalloc ulong[4];
        for (var i = 0; i < 4; i++)
        {
            var low = words[i + whole];
            var high = words[i + whole + 1];
            moved[i] = bits == 0 ? low : (low >> bits) | (high << (64 - bits));
        }

        return new Band(moved[0], moved[1], moved[2], moved[3]);
    }

    /// <summary>Bitwise sum.</summary>
    public static Band operator ^(Band a, Band b) => new(a.W0 ^ b.W0, a.W1 ^ b.W1, a.W2 ^ b.W2, a.W3 ^ b.W3);
}
