using System.CommandLine;
using System.Globalization;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Cli.Commands;

/// <summary>The <c>request</c> and <c>grant</c> groups: ask a peer for access, answer peers, manage grants.</summary>
internal static class AccessCommands
{
    public static Command CreateRequest(CommandContext context)
    {
        var peer = new Option<string>("--peer") { Description = "The provider's node.", Required = true };
        var dataset = new Option<string>("--dataset") { Description = "The provider's dataset.", Required = true };
        var columns = new Option<string>("--columns") { Description = "Comma-separated columns of the dataset.", Required = true };
        var kinds = new Option<string>("--kinds") { Description = "Comma-separated job kinds: " + string.Join(", ", JobKind.All) + ".", Required = true };
        var outputs = new Option<string>("--outputs") { Description = "Comma-separated output modes: count, membership, payload, sum.", Required = true };
        var purpose = new Option<string>("--purpose") { Description = "What the data will be used for.", Required = true };
        var purposeCode = new Option<string>("--purpose-code") { Description = "The purpose's code, e.g. claims-fraud-check.", Required = true };
        var from = new Option<string?>("--from") { Description = "Start of the period (yyyy-MM-dd, UTC; default: now)." };
        var to = new Option<string>("--to") { Description = "End of the period (yyyy-MM-dd, UTC).", Required = true };
        var responsible = new Option<string>("--responsible") { Description = "The person responsible on the requesting side.", Required = true };
        var file = new Command("file", "File a request for a peer's dataset. Analyst.") { peer, dataset, columns, kinds, outputs, purpose, purposeCode, from, to, responsible };
        context.SetAction(file, async (parse, node, output, cancellationToken) =>
        {
            var terms = new AccessTerms
            {
                Dataset = parse.GetValue(dataset)!,
                Purpose = parse.GetValue(purpose)!,
                PurposeCode = parse.GetValue(purposeCode)!,
                ValidFrom = parse.GetValue(from) is { } start ? Text.ParseTime(start, "--from") : Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
                ValidTo = Text.ParseTime(parse.GetValue(to)!, "--to"),
            };
            terms.Columns.AddRange(Text.List(parse.GetValue(columns)));
            terms.JobKinds.AddRange(Text.List(parse.GetValue(kinds)));
            terms.OutputModes.AddRange(Text.List(parse.GetValue(outputs)));
            var response = await node.Access.FileRequestAsync(new FileRequestRequest { Peer = parse.GetValue(peer)!, Terms = terms, RequesterResponsible = parse.GetValue(responsible)! }, NodeConnection.Options(cancellationToken));
            if (output.Json)
            {
                output.WriteJson(response);
            }
            else
            {
                output.WriteLine($"Filed request {response.Request.Id} to '{response.Request.Peer}' for '{terms.Dataset}'; the provider answers by {Text.Time(response.Request.RespondBy)}.");
            }

            return ExitCodes.Success;
        });

        var incoming = new Option<bool>("--incoming") { Description = "Only requests received from peers (admin)." };
        var outgoing = new Option<bool>("--outgoing") { Description = "Only requests filed here." };
        var overdue = new Option<bool>("--overdue") { Description = "Only pending requests past their response deadline." };
        var list = new Command("list", "List requests with their state and deadline. Admin or analyst (own).") { incoming, outgoing, overdue };
        context.SetAction(list, async (parse, node, output, cancellationToken) =>
        {
            var direction = parse.GetValue(incoming) ? Direction.Incoming : parse.GetValue(outgoing) ? Direction.Outgoing : Direction.Unspecified;
            var response = await node.Access.ListRequestsAsync(new ListRequestsRequest { Direction = direction, OverdueOnly = parse.GetValue(overdue) }, NodeConnection.Options(cancellationToken));
            if (output.Json)
            {
                output.WriteJson(response);
                return ExitCodes.Success;
            }

            output.WriteTable(["id", "direction", "peer", "dataset", "kinds", "purpose", "state", "answer by", "grant / reason"], response.Requests.Select(r => (IReadOnlyList<string>)
            [
                r.Id, r.Direction == Direction.Incoming ? "received" : "filed", r.Peer, r.Terms.Dataset, string.Join(",", r.Terms.JobKinds), r.Terms.PurposeCode,
                Text.State(r.State) + (r.Overdue ? " (OVERDUE)" : string.Empty), Text.Time(r.RespondBy), r.GrantId.Length > 0 ? r.GrantId : r.RefusalReason,
            ]));
            return ExitCodes.Success;
        });

        var approveId = new Argument<string>("request-id") { Description = "The request's id." };
        var fromPeer = new Option<string>("--peer") { Description = "The requesting node.", Required = true };
        var maxUses = new Option<long>("--max-uses") { Description = "How many jobs the grant allows.", Required = true };
        var minSet = new Option<long>("--min-requester-set-size") { Description = "Smallest requester set a job may use (anti-probing).", DefaultValueFactory = _ => 0 };
        var minResult = new Option<long>("--min-result-size") { Description = "Results smaller than this are suppressed.", DefaultValueFactory = _ => 0 };
        var providerResponsible = new Option<string>("--responsible") { Description = "The person responsible on the providing side.", Required = true };
        var narrowColumns = new Option<string?>("--columns") { Description = "Grant only these columns (default: as asked)." };
        var narrowKinds = new Option<string?>("--kinds") { Description = "Grant only these job kinds (default: as asked)." };
        var narrowOutputs = new Option<string?>("--outputs") { Description = "Grant only these output modes (default: as asked)." };
        var narrowTo = new Option<string?>("--to") { Description = "End the grant earlier than asked (yyyy-MM-dd)." };
        var psiSuites = new Option<string?>("--psi-suites") { Description = "Allow PSI jobs only on these suites, e.g. sm2-sm3 where SM algorithms are mandated (default: any)." };
        var approveReason = new Option<string?>("--reason") { Description = "Why the request is approved, kept in the audit log." };
        var approve = new Command("approve", "Approve a received request, creating a grant (possibly narrower). Admin.")
        {
            approveId, fromPeer, maxUses, minSet, minResult, providerResponsible, narrowColumns, narrowKinds, narrowOutputs, narrowTo, psiSuites, approveReason,
        };
        context.SetAction(approve, async (parse, node, output, cancellationToken) =>
        {
            var terms = new AccessTerms();
            terms.Columns.AddRange(Text.List(parse.GetValue(narrowColumns)));
            terms.JobKinds.AddRange(Text.List(parse.GetValue(narrowKinds)));
            terms.OutputModes.AddRange(Text.List(parse.GetValue(narrowOutputs)));
            if (parse.GetValue(narrowTo) is { } end)
            {
                terms.ValidTo = Text.ParseTime(end, "--to");
            }

            var response = await node.Access.ApproveRequestAsync(new ApproveRequestRequest
            {
                RequestId = parse.GetValue(approveId)!,
                Peer = parse.GetValue(fromPeer)!,
                Terms = terms,
                MaxUses = parse.GetValue(maxUses),
                MinRequesterSetSize = parse.GetValue(minSet),
                MinResultSize = parse.GetValue(minResult),
                ProviderResponsible = parse.GetValue(providerResponsible)!,
                PsiSuites = { Text.List(parse.GetValue(psiSuites)) },
                Reason = parse.GetValue(approveReason) ?? string.Empty,
            }, NodeConnection.Options(cancellationToken));
            if (output.Json)
            {
                output.WriteJson(response);
            }
            else
            {
                output.WriteLine($"Granted {response.Grant.Id} to '{response.Grant.Requester}' on '{response.Grant.Terms.Dataset}' until {Text.Time(response.Grant.Terms.ValidTo)} ({response.Grant.MaxUses} uses).");
            }

            return ExitCodes.Success;
        });

        var refuseId = new Argument<string>("request-id") { Description = "The request's id." };
        var refusePeer = new Option<string>("--peer") { Description = "The requesting node.", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why the request is refused (mandatory).", Required = true };
        var refuse = new Command("refuse", "Refuse a received request with a reason. Admin.") { refuseId, refusePeer, reason };
        context.SetAction(refuse, async (parse, node, output, cancellationToken) =>
        {
            var response = await node.Access.RefuseRequestAsync(new RefuseRequestRequest { RequestId = parse.GetValue(refuseId)!, Peer = parse.GetValue(refusePeer)!, Reason = parse.GetValue(reason)! }, NodeConnection.Options(cancellationToken));
            if (output.Json)
            {
                output.WriteJson(response);
            }
            else
            {
                output.WriteLine($"Refused request {response.Request.Id} from '{response.Request.Peer}'.");
            }

            return ExitCodes.Success;
        });

        return new Command("request", "Request access to peers' datasets and answer their requests.") { file, list, approve, refuse };
    }

    public static Command CreateGrant(CommandContext context)
    {
        var given = new Option<bool>("--given") { Description = "Only grants this node gave." };
        var held = new Option<bool>("--held") { Description = "Only grants this node holds from providers." };
        var list = new Command("list", "List grants with their scope and uses. Admin or analyst (held).") { given, held };
        context.SetAction(list, async (parse, node, output, cancellationToken) =>
        {
            var direction = parse.GetValue(given) ? Direction.Incoming : parse.GetValue(held) ? Direction.Outgoing : Direction.Unspecified;
            var response = await node.Access.ListGrantsAsync(new ListGrantsRequest { Direction = direction }, NodeConnection.Options(cancellationToken));
            if (output.Json)
            {
                output.WriteJson(response);
                return ExitCodes.Success;
            }

            output.WriteTable(["id", "provider", "requester", "dataset", "columns", "kinds", "purpose", "until", "uses", "state"], response.Grants.Select(g => (IReadOnlyList<string>)
            [
                g.Id, g.Provider, g.Requester, g.Terms.Dataset, string.Join(",", g.Terms.Columns), string.Join(",", g.Terms.JobKinds), g.Terms.PurposeCode,
                Text.Time(g.Terms.ValidTo), $"{g.Uses.ToString(CultureInfo.InvariantCulture)}/{g.MaxUses.ToString(CultureInfo.InvariantCulture)}", Text.State(g.State),
            ]));
            return ExitCodes.Success;
        });

        var id = new Argument<string>("grant-id") { Description = "The grant's id." };
        var reason = new Option<string>("--reason") { Description = "Why the grant is revoked.", Required = true };
        var revoke = new Command("revoke", "Revoke a grant this node gave; new jobs under it are denied at once. Admin.") { id, reason };
        context.SetAction(revoke, async (parse, node, output, cancellationToken) =>
        {
            var response = await node.Access.RevokeGrantAsync(new RevokeGrantRequest { GrantId = parse.GetValue(id)!, Reason = parse.GetValue(reason)! }, NodeConnection.Options(cancellationToken));
            if (output.Json)
            {
                output.WriteJson(response);
            }
            else
            {
                output.WriteLine($"Revoked grant {response.Grant.Id}.");
            }

            return ExitCodes.Success;
        });

        return new Command("grant", "List and revoke grants.") { list, revoke };
    }
}
