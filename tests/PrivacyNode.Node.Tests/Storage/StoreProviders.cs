using PrivacyNode.Node.Configuration;
using PrivacyNode.Node.Storage;
using PrivacyNode.Testing;

namespace PrivacyNode.Node.Tests.Storage;

/// <summary>
/// Opens a fresh, migrated store of either kind: SQLite in a temporary directory, or a new schema on the
/// real PostgreSQL server of <see cref="TestPostgres"/>.
/// </summary>
internal static class StoreProviders
{
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

        var postgres = await TestPostgres.CreateSchemaAsync();
        var store = await NodeDatabase.OpenAsync(new StorageOptions { Provider = "postgresql", ConnectionString = postgres.ConnectionString }, new DataDirectory(Path.GetTempPath()), CancellationToken.None);
        return (store, async () =>
        {
            await store.DisposeAsync();
            await postgres.DisposeAsync();
        });
    }
}
