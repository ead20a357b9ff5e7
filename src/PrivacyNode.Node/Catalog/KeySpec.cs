using System.Text;
using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Node.Catalog;

/// <summary>
/// A dataset's join key: one column with its key type (<c>id_number</c> / <c>cn-resident-id</c>), or several
/// joined with '+' and typed part by part (<c>id_number+admission_date</c> / <c>cn-resident-id+date</c>), as in
/// <see cref="KeyColumn"/>. A composite key's canonical form is its parts' canonical forms, each normalized by
/// its own type, joined by U+001F (which no canonical part contains, so the join is one-to-one).
/// </summary>
public sealed class KeySpec
{
    private const char Separator = '\u001F';

    private KeySpec(string[] columns, string[] types)
    {
        Columns = columns;
        Types = types;
    }

    /// <summary>The source columns, in key order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Each column's key type.</summary>
    public IReadOnlyList<string> Types { get; }

    /// <summary>Parses <paramref name="key"/>; false with a reason when it is malformed or names an unknown key type.</summary>
    public static bool TryParse(KeyColumn key, out KeySpec spec, out string error)
    {
        ArgumentNullException.ThrowIfNull(key);
        spec = null!;
        var columns = key.Column.Split('+');
        var types = key.KeyType.Split('+');
        if (columns.Any(string.IsNullOrWhiteSpace))
        {
            error = $"Key column '{key.Column}' is empty or has an empty part.";
            return false;
        }

        if (columns.Length != types.Length)
        {
            error = $"Key column '{key.Column}' has {columns.Length} part(s) but key type '{key.KeyType}' has {types.Length}; give one type per column, joined by '+'.";
            return false;
        }

        if (columns.Distinct(StringComparer.Ordinal).Count() != columns.Length)
        {
            error = $"Key column '{key.Column}' names a column twice.";
            return false;
        }

        var unknown = types.FirstOrDefault(t => !KeyTypes.IsKnown(t));
        if (unknown is not null)
        {
            error = $"Key column '{key.Column}' has unknown key type '{unknown}'; use one of {string.Join(", ", KeyTypes.All)} (joined by '+' for a key of several columns).";
            return false;
        }

        spec = new KeySpec(columns, types);
        error = string.Empty;
        return true;
    }

    /// <summary>The dataset's key named <paramref name="name"/>.</summary>
    /// <exception cref="DataSourceException">The dataset has no such key.</exception>
    public static KeySpec Of(Dataset dataset, string name)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var key = dataset.KeyColumns.FirstOrDefault(k => k.Column == name)
            ?? throw new DataSourceException($"'{name}' is not a key column of dataset '{dataset.Name}' (key columns: {string.Join(", ", dataset.KeyColumns.Select(k => k.Column))}).");
        return TryParse(key, out var spec, out var error) ? spec : throw new DataSourceException(error);
    }

    /// <summary>A canonical key as people read it: a composite key's parts joined by '|'.</summary>
    public static string Display(string canonical) => canonical.Replace(Separator, '|');

    /// <summary>Where each key column is in <paramref name="sourceColumns"/>.</summary>
    /// <exception cref="DataSourceException">A key column is not in the source.</exception>
    public int[] IndexesIn(IReadOnlyList<string> sourceColumns)
    {
        ArgumentNullException.ThrowIfNull(sourceColumns);
        var names = sourceColumns.ToList();
        return Columns.Select(c =>
        {
            var index = names.IndexOf(c);
            return index >= 0 ? index : throw new DataSourceException($"Key column '{c}' is not in the source; its columns are: {string.Join(", ", sourceColumns)}.");
        }).ToArray();
    }

    /// <summary>Normalizes the key of one row (its fields at <paramref name="indexes"/>); false with a reason when a part is not valid for its type.</summary>
    public bool TryNormalize(IReadOnlyList<string?> fields, int[] indexes, out string canonical, out string error)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(indexes);
        if (indexes.Length == 1)
        {
            return KeyTypes.TryNormalize(Types[0], fields[indexes[0]], out canonical, out error);
        }

        var builder = new StringBuilder();
        for (var i = 0; i < indexes.Length; i++)
        {
            if (!KeyTypes.TryNormalize(Types[i], fields[indexes[i]], out var part, out error))
            {
                canonical = string.Empty;
                error = $"{Columns[i]}: {error}";
                return false;
            }

            builder.Append(part);
            if (i < indexes.Length - 1)
            {
                builder.Append(Separator);
            }
        }

        canonical = builder.ToString();
        error = string.Empty;
        return true;
    }
}
