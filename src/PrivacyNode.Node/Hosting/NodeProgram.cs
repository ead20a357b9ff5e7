using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Hosting.Systemd;
using PrivacyNode.Contracts;
using PrivacyNode.Node.Configuration;

namespace PrivacyNode.Node.Hosting;

/// <summary>
/// The <c>privacynode-node</c> command line: <c>init</c> creates a node's data directory, <c>serve</c> runs
/// the node until SIGTERM or Ctrl+C. The <c>privacynode</c> CLI forwards its own init and serve here.
/// </summary>
public static class NodeProgram
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    /// <summary>Runs one command and returns its exit code (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var dataDir = new Option<string>("--data-dir", "-d")
        {
            Description = "The node's data directory (default: $PRIVACYNODE_DATA_DIR).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PRIVACYNODE_DATA_DIR") ?? string.Empty,
        };
        var name = new Option<string>("--name") { Description = "The node's name: lower-case letters, digits and '-' (e.g. medical-insurance-bureau).", Required = true };
        var peerListen = new Option<string>("--peer-listen") { Description = "Where peers connect (mutual TLS).", DefaultValueFactory = _ => "0.0.0.0:7443" };
        var advertise = new Option<string?>("--advertise") { Description = "host:port that peers dial, put in invitations (default: derived from --peer-listen)." };
        var localListen = new Option<string>("--local-listen") { Description = "Loopback address for the agency's own users.", DefaultValueFactory = _ => "127.0.0.1:7080" };
        var admin = new Option<string>("--admin") { Description = "Name of the first admin user.", DefaultValueFactory = _ => "admin" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var postgres = new Option<string?>("--postgres") { Description = "Keep the node's store in this PostgreSQL database (an Npgsql connection string) instead of SQLite in the data directory." };
        var passphraseFile = new Option<string?>("--passphrase-file")
        {
            Description = $"A file whose first line is the passphrase of the node's private keys (default for serve: the systemd credential {KeyPassphrase.CredentialName}, if any).",
        };
        var newPassphraseFile = new Option<string?>("--new-passphrase-file") { Description = "A file whose first line is the new passphrase; without it the keys are kept unencrypted." };

        var init = new Command("init", "Create a node: key, self-signed certificate, configuration, database and the first admin user.")
        {
            name, dataDir, peerListen, advertise, localListen, admin, json, postgres, passphraseFile,
        };
        init.SetAction(async (parse, token) =>
        {
            using var passphrase = KeyPassphrase.Read(parse.GetValue(passphraseFile), null);
            var result = await NodeInitializer.InitializeAsync(
                new NodeInitializer.Request(parse.GetValue(name)!, RequireDataDir(parse.GetValue(dataDir)), parse.GetValue(peerListen)!, parse.GetValue(advertise), parse.GetValue(localListen)!, parse.GetValue(admin)!, parse.GetValue(postgres), passphrase),
                token);
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["dataDirectory"] = result.DataDirectory,
                    ["certificateFingerprint"] = result.Fingerprint,
                    ["adminUser"] = result.AdminName,
                    ["adminToken"] = result.AdminToken,
                }));
            }
            else
            {
                await output.WriteLineAsync($"""
                    Created node '{parse.GetValue(name)}' in {result.DataDirectory}
                      certificate   {result.Fingerprint}
                      admin user    {result.AdminName}
                      admin token   {result.AdminToken}
                    The token is shown only now; store it like a password.

                    Next:
                      privacynode serve --data-dir {result.DataDirectory}
                      export PRIVACYNODE_TOKEN={result.AdminToken}
                      privacynode invite --data-dir {result.DataDirectory}
                    """);
            }

            return ExitCodes.Success;
        });

        var serve = new Command("serve", "Run the node until SIGTERM or Ctrl+C; under systemd (Type=notify) it reports ready and stopping.") { dataDir, passphraseFile };
        serve.SetAction(async (parse, token) =>
        {
            // Without NOTIFY_SOCKET (not under systemd) the notifier does nothing.
            var systemd = new SystemdNotifier();
            using var passphrase = KeyPassphrase.Read(parse.GetValue(passphraseFile), Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY"));
            await using var host = await NodeHost.StartAsync(RequireDataDir(parse.GetValue(dataDir)), passphrase: passphrase, cancellationToken: token);
            systemd.Notify(ServiceState.Ready);
            await host.WaitForShutdownAsync(token);
            systemd.Notify(ServiceState.Stopping);

            return ExitCodes.Success;
        });

        var protectKeys = new Command("protect-keys", "Encrypt the node's private keys with a new passphrase, change it, or remove it (with the node stopped).")
        {
            dataDir, passphraseFile, newPassphraseFile,
        };
        protectKeys.SetAction(async (parse, token) =>
        {
            using var current = KeyPassphrase.Read(parse.GetValue(passphraseFile), null);
            using var next = KeyPassphrase.Read(parse.GetValue(newPassphraseFile), null);
            var directory = new DataDirectory(RequireDataDir(parse.GetValue(dataDir)));
            KeyFiles.Protect(directory, current, next);
            await output.WriteLineAsync(next.IsSet ? $"The keys in {directory.Path} are encrypted with the new passphrase." : $"The keys in {directory.Path} are no longer encrypted.");
            return ExitCodes.Success;
        });

        var backupPassphraseFile = new Option<string>("--backup-passphrase-file") { Description = "A file whose first line is the passphrase the backup is sealed under.", Required = true };
        var outFile = new Option<string>("--out") { Description = "The backup file to write.", Required = true };
        var backup = new Command("backup", "Write a consistent backup of a node (it may be running): keys, configuration and, for SQLite, the store; sealed under a passphrase.")
        {
            dataDir, outFile, backupPassphraseFile, json,
        };
        backup.SetAction(async (parse, token) =>
        {
            using var passphrase = KeyPassphrase.Read(parse.GetValue(backupPassphraseFile), null);
            var manifest = await NodeBackup.BackupAsync(RequireDataDir(parse.GetValue(dataDir)), parse.GetValue(outFile)!, passphrase, TimeProvider.System, token);
            await WriteManifestAsync(output, parse.GetValue(json), manifest, $"Backed up node '{manifest.Node}' to {Path.GetFullPath(parse.GetValue(outFile)!)}");
            return ExitCodes.Success;
        });

        var inFile = new Option<string>("--in") { Description = "The backup file to restore.", Required = true };
        var restore = new Command("restore", "Restore a backup as a new data directory (new or empty), checking its audit chain; then serve it in place of the lost node.")
        {
            dataDir, inFile, backupPassphraseFile, passphraseFile, json,
        };
        restore.SetAction(async (parse, token) =>
        {
            using var passphrase = KeyPassphrase.Read(parse.GetValue(backupPassphraseFile), null);
            using var keyPassphrase = KeyPassphrase.Read(parse.GetValue(passphraseFile), null);
            var directory = RequireDataDir(parse.GetValue(dataDir));
            var manifest = await NodeBackup.RestoreAsync(parse.GetValue(inFile)!, directory, passphrase, keyPassphrase, TimeProvider.System, token);
            await WriteManifestAsync(output, parse.GetValue(json), manifest, $"Restored node '{manifest.Node}' in {Path.GetFullPath(directory)}; its audit chain verifies");
            return ExitCodes.Success;
        });

        var root = new RootCommand("privacynode-node: the PrivacyNode daemon.") { init, serve, protectKeys, backup, restore };
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var parseError in parseResult.Errors)
            {
                await error.WriteLineAsync("error: " + parseError.Message);
            }

            await error.WriteLineAsync("Run 'privacynode-node --help' for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            // The host owns SIGTERM/Ctrl+C handling for serve; the parser's own handler is off.
            return await parseResult.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (NodeException ex)
        {
            await error.WriteLineAsync("error: " + ex.Message);
            return ex.InnerException is IOException && ex.Message.StartsWith("Cannot listen", StringComparison.Ordinal) ? ExitCodes.Unavailable : ExitCodes.Configuration;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Success;
        }
    }

    private static async Task WriteManifestAsync(TextWriter output, bool json, NodeBackup.Manifest manifest, string done)
    {
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(manifest, WebJson));
            return;
        }

        var store = manifest.Store == "sqlite"
            ? $"SQLite store with {manifest.AuditRecords} audit records"
            : "keys and configuration only: the PostgreSQL store is backed up and restored with pg_dump and pg_restore (docs/operations.md)";
        await output.WriteLineAsync($"{done}: taken {manifest.Taken:u} by version {manifest.Version}, {store}.");
    }

    private static string RequireDataDir(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new NodeException("No data directory: pass --data-dir <dir> or set PRIVACYNODE_DATA_DIR.")
            : value;
}
