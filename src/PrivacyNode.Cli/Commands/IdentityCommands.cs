using System.CommandLine;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Cli.Commands;

/// <summary><c>invite</c> and the <c>node</c> group: this node's identity.</summary>
internal static class IdentityCommands
{
    public static IEnumerable<Command> Create(CommandContext context)
    {
        var invite = new Command("invite", "Print this node's invitation: the one line a peer operator passes to 'privacynode peer add'.");
        context.SetAction(invite, async (_, node, output, cancellationToken) =>
        {
            var response = await node.Identity.GetInvitationAsync(new GetInvitationRequest(), NodeConnection.Options(cancellationToken));
            if (output.Json)
            {
                output.WriteJson(response);
            }
            else
            {
                output.WriteLine(response.Invitation);
            }

            return ExitCodes.Success;
        });

        var info = new Command("info", "Describe the node and who you are on it.");
        context.SetAction(info, async (_, node, output, cancellationToken) =>
        {
            var response = await node.Identity.DescribeNodeAsync(new DescribeNodeRequest(), NodeConnection.Options(cancellationToken));
            if (output.Json)
            {
                output.WriteJson(response);
                return ExitCodes.Success;
            }

            output.WriteTable(["name", "version", "certificate", "peer address", "peers", "you"],
            [
                [response.Node.Name, string.IsNullOrEmpty(response.Node.Commit) ? response.Node.Version : $"{response.Node.Version} ({response.Node.Commit[..Math.Min(12, response.Node.Commit.Length)]})", response.Node.CertificateFingerprint, response.Node.PeerAddress,
                 response.PeerCount.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{response.User} ({Text.Role(response.Role)})"],
            ]);
            return ExitCodes.Success;
        });

        var rotate = new Command("rotate-certificate", "Replace the node's key and certificate and announce the new certificate to every peer.");
        context.SetAction(rotate, async (_, node, output, cancellationToken) =>
        {
            var response = await node.Identity.RotateCertificateAsync(new RotateCertificateRequest(), NodeConnection.Options(cancellationToken));
            if (output.Json)
            {
                output.WriteJson(response);
            }
            else
            {
                output.WriteLine($"Certificate rotated: {response.PreviousFingerprint} -> {response.NewFingerprint}");
                output.WriteTable(["peer", "accepted", "error"], response.Peers.Select(p => (IReadOnlyList<string>)[p.Peer, p.Accepted ? "yes" : "no", p.Error]));
                if (response.Peers.Any(p => !p.Accepted))
                {
                    output.WriteLine("Peers that did not accept must pair again: they run 'privacynode peer add --replace' with this node's new invitation.");
                }
            }

            return response.Peers.All(p => p.Accepted) ? ExitCodes.Success : ExitCodes.Failed;
        });

        yield return invite;
        yield return new Command("node", "This node: describe it, rotate its certificate.") { info, rotate };
    }
}
