using System.CommandLine;
using PrivacyNode.Cli.Commands;
using PrivacyNode.Contracts;

namespace PrivacyNode.Cli;

/// <summary>
/// The <c>privacynode</c> command line. Every command except init and serve is a call to a node's local
/// endpoint; init and serve run the <c>privacynode-node</c> daemon. Exit codes are <see cref="ExitCodes"/>.
/// </summary>
public static class CliProgram
{
    /// <summary>The commands privacynode-node runs on a data directory (see its --help), with their one-line descriptions here.</summary>
    private static readonly (string Verb, string Description)[] DaemonVerbs =
    [
        ("init", "Create a node"),
        ("serve", "Run a node"),
        ("protect-keys", "Encrypt the node's private keys with a passphrase, change it or remove it"),
        ("backup", "Write a consistent backup of a node, sealed under a passphrase"),
        ("restore", "Restore a node from a backup"),
    ];

    private const string RootDescription = """
        privacynode: run a PrivacyNode and work with it. Who uses what:
          operators (admin)  init, serve, protect-keys, backup, restore, invite, node, peer, user; dataset add|remove; request approve|refuse; grant revoke
          analysts           dataset list --peer, request file, grant list --held, job, result
          auditors           audit export, audit verify
        Exit codes: 0 done, 1 refused or failed, 2 bad command line, 3 bad configuration, 4 node unreachable, 5 token or role.
        """;

    /// <summary>Runs one command line and returns its exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        try
        {
            var verb = Array.FindIndex(args, a => !a.StartsWith('-'));
            return verb >= 0 && DaemonVerbs.Any(d => d.Verb == args[verb])
                ? await DaemonLauncher.RunAsync(args[verb..], environment, cancellationToken)
                : await RunCommandAsync(args, environment, cancellationToken);
        }
        catch (CliException ex)
        {
            await environment.Error.WriteLineAsync("error: " + ex.Message);
            return ex.ExitCode;
        }
    }

    private static async Task<int> RunCommandAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var options = new GlobalOptions();
        var context = new CommandContext(environment, options);
        var root = new RootCommand(RootDescription);
        options.AddTo(root);
        foreach (var (verb, description) in DaemonVerbs)
        {
            root.Subcommands.Add(new Command(verb, $"{description} (runs privacynode-node {verb}; see 'privacynode {verb} --help')."));
        }

        foreach (var command in IdentityCommands.Create(context))
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(PeerCommands.Create(context));
        root.Subcommands.Add(UserCommands.Create(context));
        root.Subcommands.Add(DatasetCommands.Create(context));
        root.Subcommands.Add(AccessCommands.CreateRequest(context));
        root.Subcommands.Add(AccessCommands.CreateGrant(context));
        root.Subcommands.Add(JobCommands.Create(context));
        root.Subcommands.Add(JobCommands.CreateResult(context));
        root.Subcommands.Add(AuditCommands.Create(context));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await environment.Error.WriteLineAsync("error: " + error.Message);
            }

            await environment.Error.WriteLineAsync("Run 'privacynode --help' for usage.");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = environment.Output, Error = environment.Error, EnableDefaultExceptionHandler = false }, cancellationToken);
    }
}
