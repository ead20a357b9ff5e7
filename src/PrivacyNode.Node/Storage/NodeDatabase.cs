using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using PrivacyNode.Node.Configuration;

namespace PrivacyNode.Node.Storage;

/// <summary>
/// The node's relational store. Opens connections, applies the schema migrations at start, and runs
/// work that belongs together in one transaction.
/// </summary>
/// <remarks>Thread-safe: each operation uses its own pooled connection.</remarks>
public sealed class NodeDatabase : IAsyncDisposable
{
    private readonly DbDataSource _dataSource;

    private NodeDatabase(DbDataSource dataSource, SqlDialect dialect)
    {
        _dataSource = dataSource;
        Dialect = dialect;
    }

    public SqlDialect Dialect { get; }

    /// <summary>Opens the store that <paramref name="options"/> select: SQLite in the data directory, or PostgreSQL.</summary>
    /// <exception cref="NodeException">The database cannot be reached or migrated.</exception>
    public static async Task<NodeDatabase> OpenAsync(StorageOptions options, DataDirectory directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(directory);
        return string.Equals(options.Provider, "postgresql", StringComparison.OrdinalIgnoreCase)
            ? await OpenPostgreSqlAsync(options.ConnectionString!, cancellationToken)
            : await OpenSqliteAsync(directory.DatabaseFile, cancellationToken);
    }

    /// <summary>Opens the PostgreSQL database named by <paramref name="connectionString"/> and migrates it.</summary>
    /// <exception cref="NodeException">The connection string is invalid or the server cannot be reached.</exception>
    public static async Task<NodeDatabase> OpenPostgreSqlAsync(string connectionString, CancellationToken cancellationToken)
    {
        NpgsqlDataSource dataSource;
        try
        {
            dataSource = NpgsqlDataSource.Create(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new NodeException($"Node:Storage:ConnectionString is not a valid Npgsql connection string: {ex.Message}", ex);
        }

        var database = new NodeDatabase(dataSource, SqlDialect.PostgreSql);
        try
        {
            await Migrations.ApplyAsync(database, cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException)
        {
            await database.DisposeAsync();
            throw new NodeException($"Cannot open the PostgreSQL store ({Redact(connectionString)}): {ex.Message}", ex);
        }

        return database;
    }

    /// <summary>A connection string with any password replaced, for messages.</summary>
    public static string Redact(string connectionString) =>
        System.Text.RegularExpressions.Regex.Replace(connectionString ?? string.Empty, @"(?i)(password|pwd)\s*=[^;]*", "$1=***");

    /// <summary>Opens the SQLite database at <paramref name="path"/>, creating it if needed, and migrates it.</summary>
    public static async Task<NodeDatabase> OpenSqliteAsync(string path, CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        var database = new NodeDatabase(SqliteFactory.Instance.CreateDataSource(connectionString), SqlDialect.Sqlite);
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        {
            // WAL lets readers proceed while one writer commits; it is a property of the file, set once.
            await connection.ExecuteAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        await Migrations.ApplyAsync(database, cancellationToken);
        return database;
    }

    /// <summary>Opens a pooled connection; dispose it when done.</summary>
    public async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        if (Dialect == SqlDialect.Sqlite)
        {
            await connection.ExecuteAsync("PRAGMA foreign_keys=ON;", cancellationToken);
        }

        return connection;
    }

    /// <summary>
    /// Within a transaction, waits until no other transaction can append to the audit log, so that records
    /// chain in commit order. SQLite write transactions are already exclusive.
    /// </summary>
    public async Task LockAuditChainAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (Dialect == SqlDialect.PostgreSql)
        {
            await connection.ExecuteAsync("LOCK TABLE audit_records IN EXCLUSIVE MODE", cancellationToken, transaction);
        }
    }

    /// <summary>
    /// Within a transaction, waits until no other transaction can write <paramref name="table"/>, for a check-then-write over several
    /// rows. SQLite write transactions are already exclusive.
    /// </summary>
    public async Task LockForUpdateAsync(DbConnection connection, DbTransaction transaction, string table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (Dialect == SqlDialect.PostgreSql)
        {
            await connection.ExecuteAsync($"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE", cancellationToken, transaction);
        }
    }

    /// <summary>Runs <paramref name="work"/> in a transaction that commits only if it returns normally.</summary>
    public async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        if (Dialect == SqlDialect.Sqlite)
        {
            SqliteConnection.ClearAllPools();
        }
    }
}
