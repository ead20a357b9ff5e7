using Npgsql;
using PrivacyNode.Node.Configuration;
using PrivacyNode.Node.Storage;

namespace PrivacyNode.Node.Tests.Storage;

/// <summary>
/// Opens a fresh, migrated store of either kind: SQLite in a temporary directory, or a new schema in the real
/// PostgreSQL server named by PRIVACYNODE_TEST_POSTGRES (.ci/run installs and starts one on 127.0.0.1).
/// Without a reachable server the PostgreSQL cases fail loudly rather than being skipped.
/// </summary>
internal static class StoreProviders
{
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=postgres;Password=privacynode;Database=postgres;Timeout=5";

    public static TheoryData<string> Both => new() { "sqlite", "postgresql" };

    public static async Task<(NodeDatabase Database, Func<Task> Cleanup)> OpenAsync(string provider)
    {
        if (provider == "sqlite")
        {
            var directory = Directory.CreateTempSubdirectory("pn-store-").FullName;
            var database = await NodeDatabase.OpenAsync(new StorageOptions(), new DataDirectory(directory), CancellationToken.None);
            return (database, async () =>
            {
                await database.DisposeAsync();
                Directory.Delete(directory, recursive: true);
            });
        }

        var server = Environment.GetEnvironmentVariable("PRIVACYNODE_TEST_POSTGRES") is { Length: > 0 } configured ? configured : DefaultConnectionString;
        var schema = "pn_test_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
        try
        {
            await using var admin = new NpgsqlConnection(server);
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE SCHEMA {schema}", admin);
            await create.ExecuteNonQueryAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL tests need a server: {ex.Message}. Run .ci/run, or start PostgreSQL on 127.0.0.1 and set PRIVACYNODE_TEST_POSTGRES to an Npgsql connection string.", ex);
        }

        var builder = new NpgsqlConnectionStringBuilder(server) { SearchPath = schema };
        var store = await NodeDatabase.OpenAsync(new StorageOptions { Provider = "postgresql", ConnectionString = builder.ConnectionString }, new DataDirectory(Path.GetTempPath()), CancellationToken.None);
        return (store, async () =>
        {
            await store.DisposeAsync();
            await using var admin = new NpgsqlConnection(server);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA {schema} CASCADE", admin);
            await drop.ExecuteNonQueryAsync();
        });
    }
}
