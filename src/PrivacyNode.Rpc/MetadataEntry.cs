namespace PrivacyNode.Rpc;

/// <summary>One metadata key with an ASCII or a binary value. Immutable once created.</summary>
public sealed class MetadataEntry
{
    private readonly string? _value;
    private readonly byte[]? _bytes;

    /// <summary>Creates an ASCII entry.</summary>
    /// <exception cref="ArgumentException">The key is invalid, reserved or binary, or the value is not printable ASCII.</exception>
    public MetadataEntry(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Key = NormalizeKey(key);
        if (Key.EndsWith(Metadata.BinarySuffix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Metadata key '{Key}' ends in '-bin' and must carry a byte[] value.", nameof(key));
        }

        foreach (var c in value)
        {
            if (c < 0x20 || c > 0x7E)
            {
                throw new ArgumentException($"Metadata value for '{Key}' must be printable ASCII.", nameof(value));
            }
        }

        _value = value;
    }

    /// <summary>Creates a binary entry; <paramref name="key"/> must end in <c>-bin</c>.</summary>
    /// <exception cref="ArgumentException">The key is invalid, reserved or not binary.</exception>
    public MetadataEntry(string key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Key = NormalizeKey(key);
        if (!Key.EndsWith(Metadata.BinarySuffix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Binary metadata key '{Key}' must end in '-bin'.", nameof(key));
        }

        _bytes = value;
    }

    /// <summary>The lower-case key.</summary>
    public string Key { get; }

    /// <summary>Whether the value is binary (the key ends in <c>-bin</c>).</summary>
    public bool IsBinary => _bytes is not null;

    /// <summary>The ASCII value.</summary>
    /// <exception cref="InvalidOperationException">The entry is binary.</exception>
    public string Value => _value ?? throw new InvalidOperationException($"Metadata entry '{Key}' is binary; use ValueBytes.");

    /// <summary>The binary value.</summary>
    /// <exception cref="InvalidOperationException">The entry is ASCII.</exception>
    public byte[] ValueBytes => _bytes ?? throw new InvalidOperationException($"Metadata entry '{Key}' is ASCII; use Value.");

    /// <inheritdoc />
    public override string ToString() => IsBinary ? $"{Key}: <{_bytes!.Length} bytes>" : $"{Key}: {_value}";

    /// <summary>Whether <paramref name="key"/> is a syntactically valid metadata key (any case).</summary>
    internal static bool IsValidKey(string key)
    {
        if (key.Length == 0)
        {
            return false;
        }

        foreach (var c in key)
        {
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static string NormalizeKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!IsValidKey(key))
        {
            throw new ArgumentException($"Metadata key '{key}' must be non-empty and use only 0-9 a-z _ - .", nameof(key));
        }

        var lower = key.ToLowerInvariant();
        if (lower.StartsWith("grpc-", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Metadata key '{lower}' is reserved for the gRPC protocol.", nameof(key));
        }

        return lower;
    }
}
