using System.Globalization;

namespace PrivacyNode.Node.Catalog;

/// <summary>
/// A dataset's rows grouped by the normalized value of one key column, in first-seen order, with the
/// values of some other columns for each key's first row. Memory grows with the number of distinct keys.
/// Duplicate keys: every row of a key is listed in <see cref="Entry.Rows"/>; the extra values are the first row's.
/// </summary>
public sealed class KeyedRows
{
    private readonly Dictionary<string, Entry> _byKey = new(StringComparer.Ordinal);
    private readonly List<Entry> _entries = [];

    /// <summary>One distinct key: its canonical form, the 1-based rows that carry it, and the first row's extra values.</summary>
    public sealed record Entry(string Key, List<long> Rows, string[] Extra)
    {
        /// <summary>The key as the PSI protocols hash it.</summary>
        public byte[] KeyBytes => Encode(Key);
    }

    /// <summary>The one rule by which a canonical key becomes the bytes the PSI protocols hash to the group: UTF-8.</summary>
    public static byte[] Encode(string canonicalKey) => System.Text.Encoding.UTF8.GetBytes(canonicalKey);

    /// <summary>The distinct valid keys, in first-seen order.</summary>
    public IReadOnlyList<Entry> Entries => _entries;

    /// <summary>Rows read.</summary>
    public long Rows { get; private set; }

    /// <summary>Rows whose key is not valid for its key type (skipped).</summary>
    public long Invalid { get; private set; }

    /// <summary>Rows whose key repeats an earlier row's.</summary>
    public long Duplicates { get; private set; }

    /// <summary>Reads the key <paramref name="keyColumn"/> of <paramref name="entry"/> (one of its key columns, possibly composite), and <paramref name="extraColumns"/>.</summary>
    /// <exception cref="DataSourceException">The source cannot be read, or a column is not there.</exception>
    public static async Task<KeyedRows> ReadAsync(DatasetStore.Entry entry, string keyColumn, IReadOnlyList<string> extraColumns, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(extraColumns);
        var rows = new KeyedRows();
        await foreach (var (key, fields) in ReadKeysAsync(entry, keyColumn, extraColumns, cancellationToken))
        {
            rows.Rows++;
            if (key is null)
            {
                rows.Invalid++;
            }
            else if (rows._byKey.TryGetValue(key, out var existing))
            {
                rows.Duplicates++;
                existing.Rows.Add(rows.Rows);
            }
            else
            {
                var added = new Entry(key, [rows.Rows], fields);
                rows._byKey.Add(key, added);
                rows._entries.Add(added);
            }
        }

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
    public Dictionary<string, string> Sizes(string prefix) => SizesOf(prefix, Rows, Invalid, Duplicates, Entries.Count);

    /// <summary>The audit fields of a key column's sizes, under <paramref name="prefix"/>.</summary>
    public static Dictionary<string, string> SizesOf(string prefix, long rows, long invalid, long duplicates, long setSize) => new()
    {
        [prefix + "rows"] = rows.ToString(CultureInfo.InvariantCulture),
        [prefix + "invalid"] = invalid.ToString(CultureInfo.InvariantCulture),
        [prefix + "duplicates"] = duplicates.ToString(CultureInfo.InvariantCulture),
        [prefix + "set_size"] = setSize.ToString(CultureInfo.InvariantCulture),
    };
}
