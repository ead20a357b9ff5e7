using System.Data.Common;
using Microsoft.Data.Sqlite;

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
        SqliteConnection.ClearAllPools();
    }
}
