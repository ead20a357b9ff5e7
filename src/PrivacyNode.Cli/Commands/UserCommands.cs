using System.CommandLine;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Cli.Commands;

/// <summary>The <c>user</c> group: the agency's own users and their tokens (admin).</summary>
internal static class UserCommands
{
    public static Command Create(CommandContext context)
    {
        var name = new Argument<string>("name") { Description = "The user's name, e.g. zhang.wei." };
        var role = new Option<string>("--role") { Description = "admin, analyst or auditor.", Required = true };
        role.AcceptOnlyFromAmong("admin", "analyst", "auditor");
        var add = new Command("add", "Create a user and print its token, once.") { name, role };
        context.SetAction(add, async (parse, node, output, cancellationToken) =>
        {
            var request = new AddUserRequest { Name = parse.GetValue(name)!, Role = Text.ParseRole(parse.GetValue(role)!) };
            var response = await node.Users.AddUserAsync(request, NodeConnection.Options(cancellationToken));
            if (output.Json)
            {
                output.WriteJson(response);
            }
            else
            {
                output.WriteLine($"Created {Text.Role(response.User.Role)} '{response.User.Name}'. Token (shown only now; hand it over securely):");
                output.WriteLine(response.Token);
            }

            return ExitCodes.Success;
        });

        var list = new Command("list", "List the users.");
        context.SetAction(list, async (_, node, output, cancellationToken) =>
        {
            var response = await node.Users.ListUsersAsync(new ListUsersRequest(), NodeConnection.Options(cancellationToken));
            if (output.Json)
            {
                output.WriteJson(response);
                return ExitCodes.Success;
            }

            output.WriteTable(["name", "role", "created", "by"], response.Users.Select(u => (IReadOnlyList<string>)
                [u.Name, Text.Role(u.Role), Text.Time(u.CreatedAt), u.CreatedBy]));
            return ExitCodes.Success;
        });

        var removeName = new Argument<string>("name") { Description = "The user's name." };
        var remove = new Command("remove", "Delete a user; its token stops working at once.") { removeName };
        context.SetAction(remove, async (parse, node, output, cancellationToken) =>
        {
            var response = await node.Users.RemoveUserAsync(new RemoveUserRequest { Name = parse.GetValue(removeName)! }, NodeConnection.Options(cancellationToken));
            if (output.Json)
            {
                output.WriteJson(response);
            }
            else
            {
                output.WriteLine($"Removed user '{parse.GetValue(removeName)}'.");
            }

            return ExitCodes.Success;
        });

        return new Command("user", "Manage the agency's users and tokens.") { add, list, remove };
    }
}
