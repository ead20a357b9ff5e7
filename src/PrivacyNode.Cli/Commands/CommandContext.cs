using System.CommandLine;

namespace PrivacyNode.Cli.Commands;

/// <summary>What a command's action needs: where to write and how to reach the node.</summary>
internal sealed class CommandContext(CliEnvironment environment, GlobalOptions options)
{
    public CliEnvironment Environment { get; } = environment;

    /// <summary>Binds an action that talks to the node; its result is the exit code.</summary>
    public void SetAction(Command command, Func<ParseResult, NodeConnection, CliOutput, CancellationToken, Task<int>> action)
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            var token = TokenSource.Resolve(parse.GetValue(options.Token), parse.GetValue(options.TokenFile), Environment);
            using var connection = NodeConnection.Resolve(parse.GetValue(options.Node), parse.GetValue(options.DataDir), token, Environment);
            var output = new CliOutput(Environment, parse.GetValue(options.Json));
            try
            {
                return await action(parse, connection, output, cancellationToken);
            }
            catch (Grpc.Core.RpcException ex)
            {
                throw Translate(ex, connection);
            }
        });
    }

    private static CliException Translate(Grpc.Core.RpcException ex, NodeConnection connection) => ex.StatusCode switch
    {
        Grpc.Core.StatusCode.Unavailable => new CliException(Contracts.ExitCodes.Unavailable,
            $"Cannot reach the node at {connection.Address}: {ex.Status.Detail}\nIs it running? Start it with: privacynode serve --data-dir <dir>"),
        Grpc.Core.StatusCode.Unauthenticated => new CliException(Contracts.ExitCodes.Denied, ex.Status.Detail),
        Grpc.Core.StatusCode.PermissionDenied => new CliException(Contracts.ExitCodes.Denied, ex.Status.Detail),
        Grpc.Core.StatusCode.DeadlineExceeded => new CliException(Contracts.ExitCodes.Failed, $"The node at {connection.Address} did not answer in time."),
        _ => new CliException(Contracts.ExitCodes.Failed, ex.Status.Detail),
    };
}
