using System.Collections;

namespace PrivacyNode.Rpc;

/// <summary>
/// Ordered gRPC metadata: request headers, response headers or trailers. Keys are lower-case ASCII
/// (<c>0-9 a-z _ - .</c>); keys ending in <c>-bin</c> carry bytes (base64 on the wire), all others carry
/// printable ASCII. Keys starting with <c>grpc-</c> are reserved for the protocol and rejected.
/// </summary>
/// <remarks>Not thread-safe.</remarks>
public sealed class Metadata : IReadOnlyList<MetadataEntry>
{
    /// <summary>Key suffix that marks a binary value.</summary>
    public const string BinarySuffix = "-bin";

    private readonly List<MetadataEntry> _entries = [];

    /// <summary>The number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>The entry at <paramref name="index"/>.</summary>
    public MetadataEntry this[int index] => _entries[index];

    /// <summary>Adds an ASCII entry.</summary>
    /// <exception cref="ArgumentException">The key or value is not valid gRPC metadata.</exception>
    public Metadata Add(string key, string value)
    {
        _entries.Add(new MetadataEntry(key, value));
        return this;
    }

    /// <summary>Adds a binary entry; <paramref name="key"/> must end in <c>-bin</c>.</summary>
    /// <exception cref="ArgumentException">The key is not a valid binary metadata key.</exception>
    public Metadata Add(string key, byte[] value)
    {
        _entries.Add(new MetadataEntry(key, value));
        return this;
    }

    /// <summary>Adds an already validated entry.</summary>
    public Metadata Add(MetadataEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _entries.Add(entry);
        return this;
    }

    /// <summary>The last ASCII value for <paramref name="key"/>, or null.</summary>
    public string? GetValue(string key)
    {
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (!_entries[i].IsBinary && string.Equals(_entries[i].Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return _entries[i].Value;
            }
        }

        return null;
    }

    /// <summary>The last binary value for <paramref name="key"/>, or null.</summary>
    public byte[]? GetValueBytes(string key)
    {
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (_entries[i].IsBinary && string.Equals(_entries[i].Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return _entries[i].ValueBytes;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public IEnumerator<MetadataEntry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
