namespace PrivacyNode.Node.Catalog;

/// <summary>Rows of a data source, streamed one at a time as text fields (numbers in invariant culture, NULL as empty).</summary>
public interface ITabularReader : IAsyncDisposable
{
    /// <summary>The column names, in order.</summary>
    IReadOnlyList<string> Columns { get; }

    /// <summary>The current row's fields, valid until the next <see cref="ReadAsync"/>.</summary>
    IReadOnlyList<string> Current { get; }

    /// <summary>Where the current row is, for messages ("line 12").</summary>
    string Position { get; }

    /// <summary>Advances to the next row; false at the end.</summary>
    /// <exception cref="DataSourceException">The source is malformed at this point.</exception>
    ValueTask<bool> ReadAsync(CancellationToken cancellationToken);
}
