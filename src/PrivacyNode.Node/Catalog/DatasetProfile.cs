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
        using var digest = new VersionDigest();
        digest.Append(reader.Columns);
        long rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            rows++;
            var fields = reader.Current;
            digest.Append(fields);
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
        dataset.Version = digest.Finish();
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

    /// <summary>
    /// The dataset version: SHA-256 over each row (the header first) as its fields, each a 4-byte big-endian UTF-8
    /// length and the bytes, then a newline. Buffered, so that a row costs no allocation and no call into the hash
    /// per field; the bytes hashed are exactly those.
    /// </summary>
    private sealed class VersionDigest : IDisposable
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly byte[] _buffer = new byte[1 << 16];
        private int _used;

        public void Append(IReadOnlyList<string> fields)
        {
            for (var i = 0; i < fields.Count; i++)
            {
                var field = fields[i];
                var length = Encoding.UTF8.GetByteCount(field);
                if (_used + 4 + length > _buffer.Length)
                {
                    Flush();
                }

                System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_used), length);
                _used += 4;
                if (length <= _buffer.Length - _used)
                {
                    _used += Encoding.UTF8.GetBytes(field, _buffer.AsSpan(_used));
                }
                else
                {
                    Flush();
                    _hash.AppendData(Encoding.UTF8.GetBytes(field));
                }
            }

            if (_used == _buffer.Length)
            {
                Flush();
            }

            _buffer[_used++] = (byte)'\n';
        }

        public string Finish()
        {
            Flush();
            return "sha256:" + Convert.ToHexStringLower(_hash.GetHashAndReset());
        }

        public void Dispose() => _hash.Dispose();

        private void Flush()
        {
            _hash.AppendData(_buffer, 0, _used);
            _used = 0;
        }
    }
}
