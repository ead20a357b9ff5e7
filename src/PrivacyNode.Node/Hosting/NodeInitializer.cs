using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Configuration;
using PrivacyNode.Node.Identity;
using PrivacyNode.Node.Storage;
using PrivacyNode.Node.Users;

namespace PrivacyNode.Node.Hosting;

/// <summary>
/// Creates a node's data directory: configuration, a new key and self-signed certificate, the database and
/// the first admin user. All of it is built in a temporary sibling directory and moved into place at the
/// end, so a failure leaves nothing behind.
/// </summary>
public static class NodeInitializer
{
    /// <summary>What <c>init</c> asks for. With a PostgreSQL connection string the store lives there instead of SQLite in the data directory.</summary>
        public sealed record Request(string Name, string DataDirectory, string PeerListen = "0.0.0.0:7443", string? Advertise = null, string LocalListen = "127.0.0.1:7080", string AdminName = "admin", string? PostgresConnectionString = null);

    /// <summary>What <c>init</c> reports: the admin token is shown once and never stored.</summary>
    public sealed record Result(string DataDirectory, string Fingerprint, string AdminName, string AdminToken);

    /// <exception cref="NodeException">Invalid settings, or the directory is in use.</exception>
    public static async Task<Result> InitializeAsync(Request request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        NodeName.Validate(request.Name, "Node name");
        var target = new DataDirectory(request.DataDirectory);
        CheckTarget(target);
        var configuration = Configuration(request);
        if (!UserName.IsValid(request.AdminName))
        {
            throw new NodeException(UserName.Rule(request.AdminName));
        }

        // Built aside and moved into place, so a failed init leaves nothing: beside the target, or inside it when the target is an
        // empty directory made for the node (a service's data directory, whose parent the service's user cannot write).
        var inside = Directory.Exists(target.Path);
        var parent = inside ? target.Path : Path.GetDirectoryName(target.Path)!;
        var staging = new DataDirectory(Path.Combine(parent, $".{Path.GetFileName(target.Path)}.init-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}"));
        try
        {
            Directory.CreateDirectory(parent);
            OwnerOnlyFile.CreateDirectory(staging.Path);
            await File.WriteAllTextAsync(staging.ConfigurationFile, configuration.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", cancellationToken);
            using var certificate = NodeIdentity.CreateCertificate(request.Name);
            NodeIdentity.Save(certificate, staging.IdentityFile);
            AuditKey.Create(staging.AuditKeyFile);
            var token = BearerToken.Create();
            var storage = NodeConfiguration.Bind(new ConfigurationBuilder()
                .AddJsonStream(new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(configuration)))
                .Build()).Storage;
            await using (var database = await NodeDatabase.OpenAsync(storage, staging, cancellationToken))
            using (var auditKey = AuditKey.Load(staging.AuditKeyFile))
            {
                var audit = new AuditLog(database, auditKey, request.Name, TimeProvider.System);
                if ((await new UserStore(database, audit, TimeProvider.System).ListAsync(cancellationToken)).Count > 0)
                {
                    throw new NodeException($"The PostgreSQL database ({NodeDatabase.Redact(request.PostgresConnectionString!)}) already holds a node's users; give each node its own database.");
                }

                await audit.AppendAsync(Actor.System.Does("node.init") with
                {
                    Details = new Dictionary<string, string> { ["fingerprint"] = Identity.Fingerprint.Of(certificate), ["audit_public_key"] = Convert.ToHexStringLower(auditKey.PublicKey) },
                }, cancellationToken);
                await new UserStore(database, audit, TimeProvider.System).AddAsync(request.AdminName, Role.Admin, BearerToken.Hash(token), Actor.System, cancellationToken);
            }

            if (inside)
            {
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(target.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }

                foreach (var entry in new DirectoryInfo(staging.Path).EnumerateFileSystemInfos())
                {
                    var destination = Path.Combine(target.Path, entry.Name);
                    if (entry is DirectoryInfo directory)
                    {
                        directory.MoveTo(destination);
                    }
                    else
                    {
                        File.Move(entry.FullName, destination);
                    }
                }

                Directory.Delete(staging.Path);
            }
            else
            {
                Directory.Move(staging.Path, target.Path);
            }

            return new Result(target.Path, Identity.Fingerprint.Of(certificate), request.AdminName, token);
        }
        catch (Exception ex)
        {
            if (!inside && Directory.Exists(staging.Path))
            {
                Directory.Delete(staging.Path, recursive: true);
            }

            // The target was empty: whatever is in it now, staged or moved, is this init's.
            if (inside)
            {
                foreach (var entry in new DirectoryInfo(target.Path).EnumerateFileSystemInfos())
                {
                    if (entry is DirectoryInfo directory)
                    {
                        directory.Delete(recursive: true);
                    }
                    else
                    {
                        entry.Delete();
                    }
                }
            }

            if (ex is IOException or UnauthorizedAccessException)
            {
                throw new NodeException($"Cannot write the node's data directory '{target.Path}': {ex.Message}", ex);
            }

            throw;
        }
    }

    private static void CheckTarget(DataDirectory target)
    {
        if (File.Exists(target.Path))
        {
            throw new NodeException($"'{target.Path}' is a file; choose a directory for the node's data.");
        }

        if (!Directory.Exists(target.Path))
        {
            return;
        }

        if (File.Exists(target.ConfigurationFile))
        {
            throw new NodeException($"'{target.Path}' already holds a node. Use another --data-dir, or delete it to start over (its peers will need to pair again).");
        }

        if (Directory.EnumerateFileSystemEntries(target.Path).Any())
        {
            throw new NodeException($"'{target.Path}' exists and is not empty; choose an empty or new directory.");
        }
    }

    private static JsonObject Configuration(Request request)
    {
        var peer = new JsonObject { ["Listen"] = request.PeerListen };
        if (!string.IsNullOrEmpty(request.Advertise))
        {
            peer["Advertise"] = request.Advertise;
        }

        return new JsonObject
        {
            ["Format"] = DataDirectory.Format,
            ["Node"] = new JsonObject
            {
                ["Name"] = request.Name,
                ["PeerEndpoint"] = peer,
                ["LocalEndpoint"] = new JsonObject { ["Listen"] = request.LocalListen },
                ["Storage"] = request.PostgresConnectionString is null
                    ? new JsonObject { ["Provider"] = "sqlite" }
                    : new JsonObject { ["Provider"] = "postgresql", ["ConnectionString"] = request.PostgresConnectionString },
            },
            ["Logging"] = new JsonObject
            {
                ["LogLevel"] = new JsonObject { ["Default"] = "Information", ["Microsoft.AspNetCore"] = "Warning", ["Microsoft.Hosting.Lifetime"] = "Warning" },
                ["Console"] = new JsonObject { ["FormatterName"] = "simple" },
            },
        };
    }
}
