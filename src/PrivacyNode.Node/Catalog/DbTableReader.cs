using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace PrivacyNode.Node.Catalog;

/// <summary>Rows of a SQLite table or a PostgreSQL table or query, read in a read-only session.</summary>
public sealed class DbTableReader : ITabularReader
{
    private readonly DbConnection _connection;
    private readonly DbCommand _command;
    private readonly DbDataReader _reader;
    private readonly string _name;
    private readonly string[] _fields;
    private long _row;

    private DbTableReader(DbConnection connection, DbCommand command, DbDataReader reader, string name)
    {
        _connection = connection;
        _command = command;
        _reader = reader;
        _name = name;
        Columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
        _fields = new string[reader.FieldCount];
    }

    public IReadOnlyList<string> Columns { get; }

    public IReadOnlyList<string> Current => _fields;

    public string Position => $"{_name} row {_row}";

    /// <summary>Opens a SQLite file read-only and selects all rows of <paramref name="table"/>.</summary>
    public static Task<DbTableReader> OpenSqliteAsync(string path, string table, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new DataSourceException($"SQLite file '{path}' does not exist.");
        }

        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        return OpenAsync(new SqliteConnection(connectionString), $"SELECT * FROM {QuoteIdentifier(table)}", $"{Path.GetFileName(path)}:{table}", cancellationToken);
    }

    /// <summary>
    /// Connects to PostgreSQL and runs <c>SELECT * FROM table</c> or <paramref name="query"/>, one statement, in a read-only session. The
    /// session setting guards against mistakes only: the connection's role should be one that can only read (SECURITY.md).
    /// </summary>
    public static Task<DbTableReader> OpenPostgresAsync(string connectionString, string? table, string? query, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(table) == string.IsNullOrWhiteSpace(query))
        {
            throw new DataSourceException("A PostgreSQL source needs exactly one of a table and a query.");
        }

        // A second statement could undo the read-only session (SET SESSION CHARACTERISTICS ... READ WRITE) and then write.
        if (query is not null && query.TrimEnd().TrimEnd(';').Contains(';', StringComparison.Ordinal))
        {
            throw new DataSourceException("A PostgreSQL query is one statement: it may not contain ';' (register a view for anything longer).");
        }

        NpgsqlConnection connection;
        try
        {
            connection = new NpgsqlConnection(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new DataSourceException($"Not a valid PostgreSQL connection string: {ex.Message}", ex);
        }

        var sql = string.IsNullOrWhiteSpace(query) ? $"SELECT * FROM {QuoteQualified(table!)}" : query!;
        return OpenAsync(connection, sql, string.IsNullOrWhiteSpace(query) ? $"postgresql:{table}" : "postgresql query", cancellationToken);
    }

    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!await _reader.ReadAsync(cancellationToken))
            {
                return false;
            }

            _row++;
            for (var i = 0; i < _fields.Length; i++)
            {
                _fields[i] = _reader.IsDBNull(i) ? string.Empty : Format(_reader.GetValue(i));
            }

            return true;
        }
        catch (DbException ex)
        {
            throw new DataSourceException($"{Position}: {ex.Message}", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync();
        await _command.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private static async Task<DbTableReader> OpenAsync(DbConnection connection, string sql, string name, CancellationToken cancellationToken)
    {
        DbCommand? command = null;
        try
        {
            await connection.OpenAsync(cancellationToken);
            if (connection is NpgsqlConnection)
            {
                await using var readOnly = connection.CreateCommand();
                readOnly.CommandText = "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY";
                await readOnly.ExecuteNonQueryAsync(cancellationToken);
            }

            command = connection.CreateCommand();
            command.CommandText = sql;
            var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
            return new DbTableReader(connection, command, reader, name);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            if (command is not null)
            {
                await command.DisposeAsync();
            }

            await connection.DisposeAsync();
            throw new DataSourceException($"Cannot read {name}: {ex.Message}", ex);
        }
    }

    private static string Format(object value) => value switch
    {
        string s => s,
        byte[] bytes => Convert.ToHexStringLower(bytes),
        DateTime dateTime => dateTime.ToString("O", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string QuoteIdentifier(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new DataSourceException("A table name is required.");
        }

        return "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private static string QuoteQualified(string name) => string.Join('.', name.Split('.').Select(QuoteIdentifier));
}
