using System.CommandLine;
using System.Globalization;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Cli.Commands;

/// <summary>The <c>peer</c> group: pairing with other agencies' nodes.</summary>
internal static class PeerCommands
{
    public static Command Create(CommandContext context)
    {
        var invitation = new Argument<string>("invitation") { Description = "The line printed by the peer's 'privacynode invite'." };
        var replace = new Option<bool>("--replace") { Description = "Replace the peer of the same name (re-pairing after it changed certificate or address)." };
        var add = new Command("add", "Pair with another node by pinning the certificate in its invitation.") { invitation, replace };
        context.SetAction(add, async (parse, node, output, cancellationToken) =>
        {
            var response = await node.Peers.AddPeerAsync(new AddPeerRequest { Invitation = parse.GetValue(invitation)!, Replace = parse.GetValue(replace) }, NodeConnection.Options(cancellationToken));
            if (output.Json)
            {
                output.WriteJson(response);
            }
            else
            {
                output.WriteLine($"Paired with '{response.Peer.Name}' at {response.Peer.Address} ({response.Peer.CertificateFingerprint}).");
                output.WriteLine($"Its operator must also add this node's invitation; then check with: privacynode peer check {response.Peer.Name}");
            }

            return ExitCodes.Success;
        });

        var list = new Command("list", "List the paired peers.");
        context.SetAction(list, async (_, node, output, cancellationToken) =>
        {
            var response = await node.Peers.ListPeersAsync(new ListPeersRequest(), NodeConnection.Options(cancellationToken));
            if (output.Json)
            {
                output.WriteJson(response);
                return ExitCodes.Success;
            }

            output.WriteTable(["name", "address", "certificate", "paired", "by"], response.Peers.Select(p => (IReadOnlyList<string>)
                [p.Name, p.Address, p.CertificateFingerprint, Text.Time(p.AddedAt), p.AddedBy]));
            return ExitCodes.Success;
        });

        var name = new Argument<string>("name") { Description = "The peer's name." };
        var remove = new Command("remove", "Unpair a peer: its connections are refused from now on.") { name };
        context.SetAction(remove, async (parse, node, output, cancellationToken) =>
        {
            var response = await node.Peers.RemovePeerAsync(new RemovePeerRequest { Name = parse.GetValue(name)! }, NodeConnection.Options(cancellationToken));
            if (output.Json)
            {
                output.WriteJson(response);
            }
            else
            {
                output.WriteLine($"Removed peer '{parse.GetValue(name)}'.");
            }

            return ExitCodes.Success;
        });

        var checkName = new Argument<string>("name") { Description = "The peer's name." };
        var check = new Command("check", "Call the peer over mutual TLS and report the round-trip time.") { checkName };
        context.SetAction(check, async (parse, node, output, cancellationToken) =>
        {
            var response = await node.Peers.CheckPeerAsync(new CheckPeerRequest { Name = parse.GetValue(checkName)! }, NodeConnection.Options(cancellationToken));
            if (output.Json)
            {
                output.WriteJson(response);
            }
            else if (response.Reachable)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"peer {response.Name}: OK, mutual TLS established, round trip {response.RoundTripMs:0.00} ms; it calls itself '{response.RemoteName}' and knows this node as '{response.KnownAs}'."));
            }
            else
            {
                output.WriteLine($"peer {response.Name}: FAILED. {response.Error}");
            }

            return response.Reachable ? ExitCodes.Success : ExitCodes.Failed;
        });

        return new Command("peer", "Pair with other agencies' nodes and check the connections.") { add, list, remove, check };
    }
}
