using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Node.Catalog;

/// <summary>Opens the reader for a dataset's source.</summary>
public static class DataSources
{
    /// <summary>csv, sqlite or postgresql.</summary>
    public static string KindOf(DatasetSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.KindCase switch
        {
            DatasetSource.KindOneofCase.Csv => "csv",
            DatasetSource.KindOneofCase.Sqlite => "sqlite",
            DatasetSource.KindOneofCase.Postgres => "postgresql",
            _ => throw new DataSourceException("A dataset source is required: a CSV file, a SQLite table, or a PostgreSQL table or query."),
        };
    }

    /// <summary>Where the rows are, for local users (passwords removed).</summary>
    public static string Describe(DatasetSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.KindCase switch
        {
            DatasetSource.KindOneofCase.Csv => $"{source.Csv.Path} ({(string.IsNullOrEmpty(source.Csv.Encoding) ? "utf-8" : source.Csv.Encoding)})",
            DatasetSource.KindOneofCase.Sqlite => $"{source.Sqlite.Path} table {source.Sqlite.Table}",
            DatasetSource.KindOneofCase.Postgres => $"{Storage.NodeDatabase.Redact(source.Postgres.ConnectionString)} {(string.IsNullOrEmpty(source.Postgres.Query) ? "table " + source.Postgres.Table : "query")}",
            _ => string.Empty,
        };
    }

    /// <exception cref="DataSourceException">The source is missing or unreadable.</exception>
    public static async Task<ITabularReader> OpenAsync(DatasetSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        return KindOf(source) switch
        {
            "csv" => await CsvReader.OpenAsync(source.Csv.Path, source.Csv.Encoding, cancellationToken),
            "sqlite" => await DbTableReader.OpenSqliteAsync(source.Sqlite.Path, source.Sqlite.Table, cancellationToken),
            _ => await DbTableReader.OpenPostgresAsync(source.Postgres.ConnectionString, source.Postgres.Table, source.Postgres.Query, cancellationToken),
        };
    }
}
