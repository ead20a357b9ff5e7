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
    /// <summary>What <c>init</c> asks for. With a PostgreSQL connection string the store lives there instead of SQLite in the data directory;
    /// with a passphrase the private keys are kept encrypted with it.</summary>
    public sealed record Request(string Name, string DataDirectory, string PeerListen = "0.0.0.0:7443", string? Advertise = null, string LocalListen = "127.0.0.1:7080", string AdminName = "admin", string? PostgresConnectionString = null, KeyPassphrase? Passphrase = null);

    /// <summary>What <c>init</c> reports: the admin token is shown once and never stored.</summary>
    public sealed record Result(string DataDirectory, string Fingerprint, string AdminName, string AdminToken);

    /// <exception cref="NodeException">Invalid settings, or the directory is in use.</exception>
    public static async Task<Result> InitializeAsync(Request request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        NodeName.Validate(request.Name, "Node name");
        var configuration = Configuration(request);
        if (!UserName.IsValid(request.AdminName))
        {
            throw new NodeException(UserName.Rule(request.AdminName));
        }

        var passphrase = request.Passphrase ?? KeyPassphrase.None;
        if (passphrase.IsSet && passphrase.Characters.Length < KeyPassphrase.MinimumLength)
        {
            throw new NodeException($"The passphrase has {passphrase.Characters.Length} characters; a key passphrase needs at least {KeyPassphrase.MinimumLength}.");
        }

        var staged = StagedDirectory.Begin(new DataDirectory(request.DataDirectory));
        var staging = staged.Staging;
        try
        {
            await File.WriteAllTextAsync(staging.ConfigurationFile, configuration.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", cancellationToken);
            using var certificate = NodeIdentity.CreateCertificate(request.Name);
            NodeIdentity.Save(certificate, staging.IdentityFile, passphrase);
            AuditKey.Create(staging.AuditKeyFile, passphrase);
            var token = BearerToken.Create();
            var storage = NodeConfiguration.Bind(new ConfigurationBuilder()
                .AddJsonStream(new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(configuration)))
                .Build()).Storage;
            await using (var database = await NodeDatabase.OpenAsync(storage, staging, cancellationToken))
            using (var auditKey = AuditKey.Load(staging.AuditKeyFile, passphrase))
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

            staged.Commit();
            return new Result(staged.Target.Path, Identity.Fingerprint.Of(certificate), request.AdminName, token);
        }
        catch (Exception ex)
        {
            throw staged.Abandon(ex);
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
