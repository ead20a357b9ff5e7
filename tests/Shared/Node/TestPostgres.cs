using Npgsql;

namespace PrivacyNode.Testing;

/// <summary>
/// The real PostgreSQL server of the tests, named by PRIVACYNODE_TEST_POSTGRES (.ci/run installs and starts one
/// on 127.0.0.1 and sets it). Each user gets a fresh schema, dropped on dispose. Without a reachable server the
/// tests fail loudly rather than being skipped.
/// </summary>
public sealed class TestPostgres : IAsyncDisposable
{
    private const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=postgres;Password=privacynode;Database=postgres;Timeout=5";

    private TestPostgres(string server, string schema)
    {
        Server = server;
        Schema = schema;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { SearchPath = schema }.ConnectionString;
    }

    /// <summary>The server's connection string, without a schema.</summary>
    public string Server { get; }

    /// <summary>The fresh schema.</summary>
    public string Schema { get; }

    /// <summary>A connection string whose unqualified names resolve in <see cref="Schema"/>.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates a fresh schema on the test server.</summary>
    public static async Task<TestPostgres> CreateSchemaAsync()
    {
        var server = Environment.GetEnvironmentVariable("PRIVACYNODE_TEST_POSTGRES") is { Length: > 0 } configured ? configured : DefaultConnectionString;
        var schema = "pn_test_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
        try
        {
            await ExecuteAsync(server, $"CREATE SCHEMA {schema}");
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL tests need a server: {ex.Message}. Run .ci/run, or start PostgreSQL on 127.0.0.1 and set PRIVACYNODE_TEST_POSTGRES to an Npgsql connection string.", ex);
        }

        return new TestPostgres(server, schema);
    }

    /// <summary>Drops the schema and everything in it.</summary>
    public async ValueTask DisposeAsync()
    {
        await ExecuteAsync(Server, $"DROP SCHEMA {Schema} CASCADE");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
