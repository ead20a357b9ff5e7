using System.Globalization;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Node.Catalog;

/// <summary>
/// One pass over a source: column types, row count, a key report per key column, and a content digest
/// (the dataset version). Memory grows with the number of valid keys only, 16 bytes each: duplicates are counted by the keys'
/// 128-bit XXH3 hashes (<see cref="KeyFingerprints"/>), where two distinct keys of a dataset collide with probability about n²/2^129.
/// </summary>
public static class DatasetProfile
{
    private const int MaxExamples = 10;

    /// <summary>Reads all of <paramref name="source"/> and fills the schema, counts, key reports and version of <paramref name="dataset"/>.</summary>
    /// <exception cref="DataSourceException">The source is malformed, or a key column is missing or malformed.</exception>
    public static async Task ProfileAsync(DatasetSource source, Dataset dataset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        await using var reader = await DataSources.OpenAsync(source, cancellationToken);
        var keys = dataset.KeyColumns.Select(k => KeySpec.TryParse(k, out var spec, out var error) ? spec : throw new DataSourceException(error)).ToArray();
        var keyIndexes = keys.Select(k => k.IndexesIn(reader.Columns)).ToArray();
        var reports = dataset.KeyColumns.Select(k => new KeyReport { Column = k.Column, KeyType = k.KeyType }).ToArray();
        var seen = dataset.KeyColumns.Select(_ => new KeyFingerprints()).ToArray();
        var types = new ColumnType[reader.Columns.Count];
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Hash(digest, reader.Columns);
        long rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            rows++;
            var fields = reader.Current;
            Hash(digest, fields);
            for (var i = 0; i < fields.Count; i++)
            {
                types[i] = Widen(types[i], fields[i]);
            }

            for (var k = 0; k < keyIndexes.Length; k++)
            {
                var report = reports[k];
                if (!keys[k].TryNormalize(fields, keyIndexes[k], out var key, out var error))
                {
                    report.Invalid++;
                    if (report.InvalidExamples.Count < MaxExamples)
                    {
                        report.InvalidExamples.Add($"row {rows.ToString(CultureInfo.InvariantCulture)}: {error}");
                    }
                }
                else
                {
                    seen[k].Add(Fingerprint(key));
                }
            }

            if ((rows & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        for (var k = 0; k < reports.Length; k++)
        {
            reports[k].Valid = seen[k].CountDistinct();
            reports[k].Duplicates = seen[k].Count - reports[k].Valid;
        }

        dataset.SourceKind = DataSources.KindOf(source);
        dataset.Columns.Clear();
        dataset.Columns.AddRange(reader.Columns.Select((name, i) => new Column { Name = name, Type = (types[i] == ColumnType.Empty ? ColumnType.Text : types[i]).ToString().ToLowerInvariant() }));
        dataset.RowCount = rows;
        dataset.KeyReports.Clear();
        dataset.KeyReports.AddRange(reports);
        dataset.Version = "sha256:" + Convert.ToHexStringLower(digest.GetHashAndReset());
    }

    /// <summary>A normalized key's 128-bit XXH3 hash (of its UTF-8 bytes), what duplicates are found by.</summary>
    private static UInt128 Fingerprint(string key)
    {
        var length = Encoding.UTF8.GetByteCount(key);
        var bytes = length <= 256 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(key, bytes);
        return XxHash128.HashToUInt128(bytes);
    }

    /// <summary>Counts the rows of <paramref name="source"/> as it is now.</summary>
    public static async Task<long> CountRowsAsync(DatasetSource source, CancellationToken cancellationToken)
    {
        await using var reader = await DataSources.OpenAsync(source, cancellationToken);
        long rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            rows++;
        }

        return rows;
    }

    private static void Hash(IncrementalHash digest, IReadOnlyList<string> fields)
    {
        Span<byte> length = stackalloc byte[4];
        foreach (var field in fields)
        {
            var bytes = Encoding.UTF8.GetBytes(field);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            digest.AppendData(length);
            digest.AppendData(bytes);
        }

        digest.AppendData("\n"u8);
    }

    private static ColumnType Widen(ColumnType current, string value)
    {
        if (value.Length == 0 || current == ColumnType.Text)
        {
            return current;
        }

        if (current <= ColumnType.Integer && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            return ColumnType.Integer;
        }

        return decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _)
            ? ColumnType.Decimal
            : ColumnType.Text;
    }

    private enum ColumnType
    {
        Empty,
        Integer,
        Decimal,
        Text,
    }
}
