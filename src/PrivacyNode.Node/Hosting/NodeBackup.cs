using System.Formats.Tar;
using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Configuration;
using PrivacyNode.Node.Storage;

namespace PrivacyNode.Node.Hosting;

/// <summary>
/// A node's backup: one file, sealed under the operator's backup passphrase (<see cref="SealedStream"/>), holding a tar archive of
/// <c>backup.json</c> (what the backup is), <c>node.json</c>, both key files (as they are kept: encrypted at rest if the node's keys
/// are) and, for a SQLite store, a consistent copy of <c>node.db</c> taken online through SQLite's backup API while the node runs.
/// A PostgreSQL store is backed up by the operator with pg_dump beside it (docs/operations.md). The PSI tag cache is left out: the
/// node rebuilds it. Restore builds a new data directory, checks that the restored audit chain verifies, records the restore in
/// it, and only then moves the directory into place.
/// </summary>
public static class NodeBackup
{
    private const string ManifestName = "backup.json";
    private static readonly string[] KeyAndConfigurationFiles = ["node.json", "identity.pem", "audit-key.pem"];
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>What a backup holds: the node, its store provider, the audit records in the copy (none for PostgreSQL), when it was taken and by which version.</summary>
    public sealed record Manifest(int Format, string Node, string Store, ulong AuditRecords, DateTimeOffset Taken, string Version);

    /// <summary>Writes a backup of the node in <paramref name="dataDirectory"/> to <paramref name="outFile"/> (owner-only, replaced only when complete).</summary>
    /// <exception cref="NodeException">Not a node directory, no passphrase, or a file cannot be read or written.</exception>
    public static async Task<Manifest> BackupAsync(string dataDirectory, string outFile, KeyPassphrase passphrase, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var directory = new DataDirectory(dataDirectory);
        directory.EnsureUsable();
        var options = NodeConfiguration.Bind(NodeConfiguration.Build(directory));
        var sqlite = !string.Equals(options.Storage.Provider, "postgresql", StringComparison.OrdinalIgnoreCase);
        var snapshot = Path.Combine(directory.Path, $".backup-{Guid.NewGuid():N}.db");
        var temporary = outFile + ".partial";
        try
        {
            var records = sqlite ? Snapshot(directory.DatabaseFile, snapshot) : 0UL;
            var manifest = new Manifest(1, options.Name, sqlite ? "sqlite" : "postgresql", records, clock.GetUtcNow(), Identity.NodeSelf.Version);
            await using (var file = new FileStream(temporary, OwnerOnlyFile.Writing(FileMode.Create)))
            {
                await using (var sealedStream = SealedStream.Create(file, passphrase))
                await using (var tar = new TarWriter(sealedStream, TarEntryFormat.Pax, leaveOpen: true))
                {
                    var entry = new PaxTarEntry(TarEntryType.RegularFile, ManifestName) { DataStream = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, Json)) };
                    await tar.WriteEntryAsync(entry, cancellationToken);
                    foreach (var name in KeyAndConfigurationFiles)
                    {
                        await tar.WriteEntryAsync(Path.Combine(directory.Path, name), name, cancellationToken);
                    }

                    if (sqlite)
                    {
                        await tar.WriteEntryAsync(snapshot, "node.db", cancellationToken);
                    }
                }

                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, outFile, overwrite: true);
            return manifest;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SqliteException)
        {
            throw new NodeException($"Cannot write the backup '{outFile}': {ex.Message}", ex);
        }
        finally
        {
            File.Delete(temporary);
            File.Delete(snapshot);
        }
    }

    /// <summary>
    /// Restores the backup in <paramref name="inFile"/> as a new node data directory <paramref name="dataDirectory"/> (new or empty):
    /// the node's keys (opened with <paramref name="keyPassphrase"/> if they are encrypted), configuration and store. The restored audit
    /// chain must verify; a <c>node.restore</c> record then says which backup the node came back from. A PostgreSQL store must be
    /// restored (pg_restore) before this runs.
    /// </summary>
    /// <exception cref="NodeException">Wrong passphrase, a changed or cut file, a target in use, or a chain that does not verify; nothing is left behind.</exception>
    public static async Task<Manifest> RestoreAsync(string inFile, string dataDirectory, KeyPassphrase passphrase, KeyPassphrase keyPassphrase, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var staged = StagedDirectory.Begin(new DataDirectory(dataDirectory));
        try
        {
            var manifest = await ExtractAsync(inFile, staged.Staging, passphrase, cancellationToken);
            staged.Staging.EnsureUsable();
            var options = NodeConfiguration.Bind(NodeConfiguration.Build(staged.Staging));
            using (var identity = Identity.NodeIdentity.Load(staged.Staging.IdentityFile, keyPassphrase))
            using (var auditKey = AuditKey.Load(staged.Staging.AuditKeyFile, keyPassphrase))
            await using (var database = await NodeDatabase.OpenAsync(options.Storage, staged.Staging, cancellationToken))
            {
                var audit = new AuditLog(database, auditKey, options.Name, clock);
                var header = new AuditExportHeader { Format = AuditFormat.ExportFormat, Node = options.Name, PublicKey = ByteString.CopyFrom(audit.PublicKey) };
                var report = new AuditVerifier().Verify(header, audit.ReadAsync(1, cancellationToken).ToBlockingEnumerable(cancellationToken), audit.PublicKey);
                if (!report.Ok)
                {
                    throw new NodeException($"The restored audit chain does not verify: {report.Message}");
                }

                await audit.AppendAsync(Actor.System.Does("node.restore") with
                {
                    Details = new Dictionary<string, string>
                    {
                        ["backup_taken"] = manifest.Taken.ToString("O", CultureInfo.InvariantCulture),
                        ["backup_records"] = report.Records.ToString(CultureInfo.InvariantCulture),
                        ["backup_version"] = manifest.Version,
                    },
                }, cancellationToken);
            }

            staged.Commit();
            return manifest;
        }
        catch (Exception ex)
        {
            throw staged.Abandon(ex is SqliteException or InvalidDataException ? new NodeException($"The backup's store cannot be opened: {ex.Message}", ex) : ex);
        }
    }

    /// <summary>Copies the SQLite store at <paramref name="source"/> to <paramref name="destination"/> as one consistent snapshot; returns its audit record count.</summary>
    private static ulong Snapshot(string source, string destination)
    {
        using (var from = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
        using (var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destination, Pooling = false }.ToString()))
        {
            from.Open();
            to.Open();
            from.BackupDatabase(to);
            // The copy is one self-contained file: no write-ahead log beside it.
            using var journal = to.CreateCommand();
            journal.CommandText = "PRAGMA journal_mode=DELETE;";
            journal.ExecuteNonQuery();
            using var count = to.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM audit_records;";
            return Convert.ToUInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
    }

    private static async Task<Manifest> ExtractAsync(string inFile, DataDirectory staging, KeyPassphrase passphrase, CancellationToken cancellationToken)
    {
        Manifest? manifest = null;
        try
        {
            await using var file = File.OpenRead(inFile);
            await using var sealedStream = SealedStream.Open(file, passphrase);
            await using (var tar = new TarReader(sealedStream, leaveOpen: true))
            {
                while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
                {
                    var allowed = entry.Name == ManifestName || entry.Name == "node.db" || KeyAndConfigurationFiles.Contains(entry.Name);
                    if (!allowed || entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                    {
                        throw new NodeException($"The backup holds an entry this software does not write ('{entry.Name}'); it is not a PrivacyNode backup.");
                    }

                    if (entry.Name == ManifestName)
                    {
                        manifest = await JsonSerializer.DeserializeAsync<Manifest>(entry.DataStream, Json, cancellationToken);
                        continue;
                    }

                    await using var target = new FileStream(Path.Combine(staging.Path, entry.Name), OwnerOnlyFile.Writing(FileMode.CreateNew));
                    await entry.DataStream.CopyToAsync(target, cancellationToken);
                }
            }

            // Read to the end, so that a file cut after the archive's last entry is found out too.
            await sealedStream.CopyToAsync(Stream.Null, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or JsonException)
        {
            throw new NodeException($"Cannot read the backup '{inFile}': {ex.Message}", ex);
        }

        return manifest is { Format: 1 } ? manifest : throw new NodeException("The backup has no description (backup.json) this software can read.");
    }
}
