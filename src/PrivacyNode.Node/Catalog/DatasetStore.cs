using System.Data.Common;
using Google.Protobuf;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Storage;

namespace PrivacyNode.Node.Catalog;

/// <summary>The catalog: each dataset's metadata and where its rows are. Changes are audited in the same transaction.</summary>
public sealed class DatasetStore(NodeDatabase database, AuditLog audit)
{
    /// <summary>A registered dataset with its source.</summary>
    public sealed record Entry(Dataset Dataset, DatasetSource Source);

    /// <summary>Saves <paramref name="dataset"/>; false if the name is taken and <paramref name="replace"/> is not set.</summary>
    public async Task<bool> SaveAsync(Dataset dataset, DatasetSource source, bool replace, Actor by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(by);
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var exists = await connection.ScalarAsync("SELECT COUNT(*) FROM datasets WHERE name = @n", cancellationToken, transaction, ("@n", dataset.Name));
            var existed = Convert.ToInt64(exists, System.Globalization.CultureInfo.InvariantCulture) > 0;
            if (existed && !replace)
            {
                return false;
            }

            await connection.ExecuteAsync("DELETE FROM datasets WHERE name = @n", cancellationToken, transaction, ("@n", dataset.Name));
            await connection.ExecuteAsync(
                "INSERT INTO datasets (name, description, source, metadata, sharing, registered_at_ms, registered_by) VALUES (@n, @d, @s, @m, @h, @t, @b)",
                cancellationToken, transaction,
                ("@n", dataset.Name), ("@d", dataset.Description), ("@s", source.ToByteArray()), ("@m", dataset.ToByteArray()),
                ("@h", dataset.Sharing.ToString()), ("@t", dataset.RegisteredAt.ToDateTimeOffset().ToUnixTimeMilliseconds()), ("@b", by.Name));
            var details = new Dictionary<string, string>
            {
                ["version"] = dataset.Version,
                ["rows"] = dataset.RowCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["grade"] = dataset.Grade,
                ["sharing"] = dataset.Sharing.ToString(),
                ["source_kind"] = dataset.SourceKind,
            };
            foreach (var report in dataset.KeyReports)
            {
                details[$"key.{report.Column}.invalid"] = report.Invalid.ToString(System.Globalization.CultureInfo.InvariantCulture);
                details[$"key.{report.Column}.duplicates"] = report.Duplicates.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await audit.AppendAsync(connection, transaction, by.Does(existed ? "dataset.replace" : "dataset.add") with { Dataset = dataset.Name, Details = details }, cancellationToken);
            return true;
        }, cancellationToken);
    }

    public async Task<Entry?> GetAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await GetAsync(connection, null, name, cancellationToken);
    }

    public static Task<Entry?> GetAsync(DbConnection connection, DbTransaction? transaction, string name, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync("SELECT metadata, source FROM datasets WHERE name = @n", Read, cancellationToken, transaction, ("@n", name));

    public async Task<List<Entry>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QueryAsync("SELECT metadata, source FROM datasets ORDER BY name", Read, cancellationToken);
    }

    /// <summary>Removes a dataset unless an active grant covers it.</summary>
    public async Task<RemoveDatasetOutcome> RemoveAsync(string name, Actor by, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var active = await connection.ScalarAsync(
                "SELECT COUNT(*) FROM grants WHERE direction = 'incoming' AND dataset = @n AND state = 'active'", cancellationToken, transaction, ("@n", name));
            if (Convert.ToInt64(active, System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                return RemoveDatasetOutcome.Granted;
            }

            if (await connection.ExecuteAsync("DELETE FROM datasets WHERE name = @n", cancellationToken, transaction, ("@n", name)) == 0)
            {
                return RemoveDatasetOutcome.NotFound;
            }

            await audit.AppendAsync(connection, transaction, by.Does("dataset.remove") with { Dataset = name }, cancellationToken);
            return RemoveDatasetOutcome.Removed;
        }, cancellationToken);
    }

    private static Entry Read(DbDataReader reader) =>
        new(Dataset.Parser.ParseFrom((byte[])reader.GetValue(0)), DatasetSource.Parser.ParseFrom((byte[])reader.GetValue(1)));
}

/// <summary>How <see cref="DatasetStore.RemoveAsync"/> ended.</summary>
public enum RemoveDatasetOutcome
{
    Removed,
    NotFound,
    Granted,
}
