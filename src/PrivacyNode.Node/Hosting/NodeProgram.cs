using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Hosting.Systemd;
using PrivacyNode.Contracts;

namespace PrivacyNode.Node.Hosting;

/// <summary>
/// The <c>privacynode-node</c> command line: <c>init</c> creates a node's data directory, <c>serve</c> runs
/// the node until SIGTERM or Ctrl+C. The <c>privacynode</c> CLI forwards its own init and serve here.
/// </summary>
public static class NodeProgram
{
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

        var init = new Command("init", "Create a node: key, self-signed certificate, configuration, database and the first admin user.")
        {
            name, dataDir, peerListen, advertise, localListen, admin, json, postgres,
        };
        init.SetAction(async (parse, token) =>
        {
            var result = await NodeInitializer.InitializeAsync(
                new NodeInitializer.Request(parse.GetValue(name)!, RequireDataDir(parse.GetValue(dataDir)), parse.GetValue(peerListen)!, parse.GetValue(advertise), parse.GetValue(localListen)!, parse.GetValue(admin)!, parse.GetValue(postgres)),
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

        var serve = new Command("serve", "Run the node until SIGTERM or Ctrl+C; under systemd (Type=notify) it reports ready and stopping.") { dataDir };
        serve.SetAction(async (parse, token) =>
        {
            // Without NOTIFY_SOCKET (not under systemd) the notifier does nothing.
            var systemd = new SystemdNotifier();
            await using var host = await NodeHost.StartAsync(RequireDataDir(parse.GetValue(dataDir)), cancellationToken: token);
            systemd.Notify(ServiceState.Ready);
            await host.WaitForShutdownAsync(token);
            systemd.Notify(ServiceState.Stopping);

            return ExitCodes.Success;
        });

        var root = new RootCommand("privacynode-node: the PrivacyNode daemon.") { init, serve };
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

    private static string RequireDataDir(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new NodeException("No data directory: pass --data-dir <dir> or set PRIVACYNODE_DATA_DIR.")
            : value;
}
