using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace PrivacyNode.Node.Catalog;

/// <summary>
/// A dataset's distinct keys (the normalized values of one key column) in first-seen order, each with the rows that carry it and the
/// values of some other columns in its first row. Keys are held as their UTF-8 bytes packed in pages, with no object per key: a key
/// costs its bytes plus about 30 (2^24 distinct 18-character keys take some 800 MiB).
/// </summary>
public sealed class KeyedRows
{
    private const int PageBits = 20;

    /// <summary>The longest key, in UTF-8 bytes (a page).</summary>
    public const int MaxKeyBytes = (1 << PageBits) - 1;

    private readonly List<byte[]> _pages = [];
    private readonly List<ulong> _locations;
    private readonly List<long> _firstRows;
    private readonly Dictionary<int, List<long>> _moreRows = [];
    private readonly List<string[]> _extra = [];
    private int _used = 1 << PageBits;

    /// <summary>The index while reading: per slot, the key's hash in the high 32 bits (compared first) and its index + 1 in the low.</summary>
    private ulong[] _slots;

    /// <summary>
    /// Rows sized for <paramref name="expected"/> keys, up to 2^24 (a hint that may be stale: more are taken as they come, and a
    /// wrong hint costs at most about 512 MiB until the read ends).
    /// </summary>
    private KeyedRows(long expected)
    {
        var capacity = (int)Math.Clamp(expected, 16, 1 << 24);
        (_locations, _firstRows) = (new(capacity), new(capacity));
        _slots = new ulong[System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity * 2)];
        Keys = new KeyList(this);
    }

    /// <summary>The one rule by which a canonical key becomes the bytes the PSI protocols hash: UTF-8.</summary>
    public static byte[] Encode(string canonicalKey) => Encoding.UTF8.GetBytes(canonicalKey);

    /// <summary>The distinct valid keys.</summary>
    public int Count => _locations.Count;

    /// <summary>Each distinct key's bytes (<see cref="Encode"/>), by index; views of this object's pages, made on access.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Keys { get; }

    /// <summary>Rows read.</summary>
    public long Rows { get; private set; }

    /// <summary>Rows whose key is not valid for its key type (skipped).</summary>
    public long Invalid { get; private set; }

    /// <summary>Rows whose key repeats an earlier row's.</summary>
    public long Duplicates { get; private set; }

    /// <summary>Key <paramref name="index"/> in its canonical form.</summary>
    public string Key(int index) => Encoding.UTF8.GetString(Keys[index].Span);

    /// <summary>The 1-based number of the first row that carries key <paramref name="index"/>.</summary>
    public long FirstRow(int index) => _firstRows[index];

    /// <summary>The 1-based numbers of every row that carries key <paramref name="index"/>, in order.</summary>
    public IEnumerable<long> RowsOf(int index) => _moreRows.TryGetValue(index, out var more) ? [_firstRows[index], .. more] : [_firstRows[index]];

    /// <summary>The extra columns' values in the first row of key <paramref name="index"/>.</summary>
    public string[] Extra(int index) => _extra.Count == 0 ? [] : _extra[index];

    /// <summary>Reads the key <paramref name="keyColumn"/> of <paramref name="entry"/> (one of its key columns, possibly composite), and <paramref name="extraColumns"/>.</summary>
    /// <exception cref="DataSourceException">The source cannot be read, a column is not there, or a key is longer than <see cref="MaxKeyBytes"/>.</exception>
    public static async Task<KeyedRows> ReadAsync(DatasetStore.Entry entry, string keyColumn, IReadOnlyList<string> extraColumns, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(extraColumns);

        // Sized for the rows counted at registration, so that 2^24 keys do not leave a trail of outgrown arrays.
        var rows = new KeyedRows(entry.Dataset.RowCount);
        await foreach (var (key, fields) in ReadKeysAsync(entry, keyColumn, extraColumns, cancellationToken))
        {
            rows.Rows++;
            if (key is null)
            {
                rows.Invalid++;
            }
            else if (rows.TryAdd(key, out var index))
            {
                rows._firstRows.Add(rows.Rows);
                if (extraColumns.Count > 0)
                {
                    rows._extra.Add(fields);
                }
            }
            else
            {
                rows.Duplicates++;
                if (!rows._moreRows.TryGetValue(index, out var more))
                {
                    rows._moreRows[index] = more = [];
                }

                more.Add(rows.Rows);
            }
        }

        rows._slots = [];
        return rows;
    }

    /// <summary>
    /// Streams every row's normalized <paramref name="keyColumn"/> value (null where the key is invalid for its
    /// type) with the row's <paramref name="extraColumns"/>, in source order, holding one row at a time.
    /// </summary>
    /// <exception cref="DataSourceException">The source cannot be read, or a column is not there.</exception>
    public static async IAsyncEnumerable<(string? Key, string[] Extra)> ReadKeysAsync(
        DatasetStore.Entry entry, string keyColumn, IReadOnlyList<string> extraColumns, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(extraColumns);
        var key = KeySpec.Of(entry.Dataset, keyColumn);
        await using var reader = await DataSources.OpenAsync(entry.Source, cancellationToken);
        var columns = reader.Columns.ToList();
        var keyIndexes = key.IndexesIn(columns);
        var extraIndexes = extraColumns.Select(c => IndexOf(columns, c)).ToArray();
        while (await reader.ReadAsync(cancellationToken))
        {
            var fields = reader.Current;
            var valid = key.TryNormalize(fields, keyIndexes, out var canonical, out _);
            yield return (valid ? canonical : null, extraIndexes.Length == 0 ? [] : extraIndexes.Select(i => fields[i]).ToArray());
        }

        int IndexOf(List<string> names, string column)
        {
            var index = names.IndexOf(column);
            return index >= 0 ? index : throw new DataSourceException($"Column '{column}' is not in dataset '{entry.Dataset.Name}'; its columns are: {string.Join(", ", names)}.");
        }
    }

    /// <summary>Sizes for audit records and results (never values).</summary>
    public Dictionary<string, string> Sizes(string prefix) => SizesOf(prefix, Rows, Invalid, Duplicates, Count);

    /// <summary>The audit fields of a key column's sizes, under <paramref name="prefix"/>.</summary>
    public static Dictionary<string, string> SizesOf(string prefix, long rows, long invalid, long duplicates, long setSize) => new()
    {
        [prefix + "rows"] = rows.ToString(CultureInfo.InvariantCulture),
        [prefix + "invalid"] = invalid.ToString(CultureInfo.InvariantCulture),
        [prefix + "duplicates"] = duplicates.ToString(CultureInfo.InvariantCulture),
        [prefix + "set_size"] = setSize.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Adds <paramref name="key"/> unless it is there; either way, its index.</summary>
    private bool TryAdd(string key, out int index)
    {
        var length = Encoding.UTF8.GetByteCount(key);
        if (length > MaxKeyBytes)
        {
            throw new DataSourceException($"Row {Rows} has a key of {length} bytes; keys are at most {MaxKeyBytes}.");
        }

        if (_used + length > 1 << PageBits)
        {
            _pages.Add(new byte[1 << PageBits]);
            _used = 0;
        }

        // The key is written after the last page's keys and kept there only if it is new.
        var page = _pages[^1];
        var bytes = page.AsSpan(_used, Encoding.UTF8.GetBytes(key, page.AsSpan(_used)));
        var hash = XxHash3.HashToUInt64(bytes);
        var slot = Probe(hash, bytes);
        if (_slots[slot] != 0)
        {
            index = (int)(uint)_slots[slot] - 1;
            return false;
        }

        index = _locations.Count;
        _locations.Add(((ulong)(_pages.Count - 1) << (2 * PageBits)) | ((ulong)_used << PageBits) | (uint)length);
        _used += length;
        _slots[slot] = (hash & 0xFFFF_FFFF_0000_0000UL) | (uint)(index + 1);
        if (2L * Count > _slots.Length)
        {
            Rehash();
        }

        return true;
    }

    /// <summary>The slot that holds <paramref name="bytes"/>, or the empty slot where it belongs (linear probing from the hash's low bits).</summary>
    private int Probe(ulong hash, ReadOnlySpan<byte> bytes)
    {
        var mask = _slots.Length - 1;
        var slot = (int)hash & mask;
        for (; _slots[slot] != 0; slot = (slot + 1) & mask)
        {
            if ((_slots[slot] >> 32) == (hash >> 32) && Keys[(int)(uint)_slots[slot] - 1].Span.SequenceEqual(bytes))
            {
                break;
            }
        }

        return slot;
    }

    /// <summary>Twice the slots, every key placed again.</summary>
    private void Rehash()
    {
        var old = _slots;
        _slots = new ulong[old.Length * 2];
        var mask = _slots.Length - 1;
        foreach (var entry in old.Where(e => e != 0))
        {
            var slot = (int)XxHash3.HashToUInt64(Keys[(int)(uint)entry - 1].Span) & mask;
            while (_slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            _slots[slot] = entry;
        }
    }

    private sealed class KeyList(KeyedRows rows) : IReadOnlyList<ReadOnlyMemory<byte>>
    {
        private const ulong Field = (1UL << PageBits) - 1;

        public int Count => rows.Count;

        public ReadOnlyMemory<byte> this[int index]
        {
            get
            {
                var location = rows._locations[index];
                return new ReadOnlyMemory<byte>(rows._pages[(int)(location >> (2 * PageBits))], (int)((location >> PageBits) & Field), (int)(location & Field));
            }
        }

        public IEnumerator<ReadOnlyMemory<byte>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
