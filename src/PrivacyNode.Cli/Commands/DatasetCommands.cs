using System.CommandLine;
using System.Globalization;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Cli.Commands;

/// <summary>The <c>dataset</c> group: register and browse the catalog, here or at a peer.</summary>
internal static class DatasetCommands
{
    public static Command Create(CommandContext context)
    {
        var name = new Argument<string>("name") { Description = "The dataset's name in the catalog, e.g. claims-2026." };
        var csv = new Option<string?>("--csv") { Description = "Read rows from this CSV file (header row, RFC 4180)." };
        var encoding = new Option<string?>("--encoding") { Description = "The CSV file's encoding: utf-8 (default) or gb18030." };
        var sqlite = new Option<string?>("--sqlite") { Description = "Read rows from a table in this SQLite file (with --table)." };
        var postgres = new Option<string?>("--postgres") { Description = "Read rows from PostgreSQL, given an Npgsql connection string (with --table or --query)." };
        var table = new Option<string?>("--table") { Description = "The table to read (SQLite or PostgreSQL)." };
        var query = new Option<string?>("--query") { Description = "The query to run (PostgreSQL)." };
        var grade = new Option<string>("--grade") { Description = "一般/general, 重要/important, 核心/core, or L1-L4.", Required = true };
        var sharing = new Option<string>("--sharing") { Description = "unconditional, conditional or not-shared.", Required = true };
        sharing.AcceptOnlyFromAmong("unconditional", "conditional", "not-shared");
        var keys = new Option<string[]>("--key") { Description = "A key column and its type, column:type (cn-resident-id, cn-uscc, cn-mobile, date, text); a key of several columns joins columns and types with +, e.g. id_number+admitted:cn-resident-id+date. Repeatable.", Required = true, AllowMultipleArgumentsPerToken = false };
        var owner = new Option<string>("--owner-unit") { Description = "The unit that owns the data.", Required = true };
        var responsible = new Option<string>("--responsible") { Description = "The person responsible for the dataset.", Required = true };
        var cycle = new Option<string>("--update-cycle") { Description = "How often the data is updated, e.g. daily, monthly.", DefaultValueFactory = _ => "on-change" };
        var description = new Option<string>("--description") { Description = "What the dataset holds.", DefaultValueFactory = _ => string.Empty };
        var replace = new Option<bool>("--replace") { Description = "Register a new version of an existing dataset." };
        var add = new Command("add", "Register a dataset: reads it once to record its schema, row count and key report. Admin.")
        {
            name, csv, encoding, sqlite, postgres, table, query, grade, sharing, keys, owner, responsible, cycle, description, replace,
        };
        context.SetAction(add, async (parse, node, output, cancellationToken) =>
        {
            var request = new AddDatasetRequest
            {
                Name = parse.GetValue(name)!,
                Description = parse.GetValue(description)!,
                Source = Source(parse.GetValue(csv), parse.GetValue(encoding), parse.GetValue(sqlite), parse.GetValue(postgres), parse.GetValue(table), parse.GetValue(query)),
                Grade = parse.GetValue(grade)!,
                Sharing = parse.GetValue(sharing) switch
                {
                    "unconditional" => Sharing.Unconditional,
                    "conditional" => Sharing.Conditional,
                    _ => Sharing.NotShared,
                },
                OwnerUnit = parse.GetValue(owner)!,
                ResponsiblePerson = parse.GetValue(responsible)!,
                UpdateCycle = parse.GetValue(cycle)!,
                Replace = parse.GetValue(replace),
            };
            foreach (var key in parse.GetValue(keys) ?? [])
            {
                var colon = key.LastIndexOf(':');
                if (colon <= 0 || colon == key.Length - 1)
                {
                    throw new CliException(ExitCodes.Usage, $"--key '{key}' must be column:type, e.g. id_number:cn-resident-id.");
                }

                request.KeyColumns.Add(new KeyColumn { Column = key[..colon], KeyType = key[(colon + 1)..] });
            }

            var response = await node.Catalog.AddDatasetAsync(request, NodeConnection.WholeSourceOptions(cancellationToken));
            if (output.Json)
            {
                output.WriteJson(response);
            }
            else
            {
                Describe(output, response.Dataset);
            }

            return ExitCodes.Success;
        });

        var peer = new Option<string?>("--peer") { Description = "Browse this paired peer's catalog instead." };
        var list = new Command("list", "List the catalog (metadata only). Admin or analyst.") { peer };
        context.SetAction(list, async (parse, node, output, cancellationToken) =>
        {
            var response = await node.Catalog.ListDatasetsAsync(new ListDatasetsRequest { Peer = parse.GetValue(peer) ?? string.Empty }, NodeConnection.Options(cancellationToken));
            if (output.Json)
            {
                output.WriteJson(response);
                return ExitCodes.Success;
            }

            output.WriteTable(["name", "rows", "grade", "sharing", "keys", "owner unit", "responsible", "version"], response.Datasets.Select(d => (IReadOnlyList<string>)
            [
                d.Name, d.RowCount > 0 ? d.RowCount.ToString(CultureInfo.InvariantCulture) : "-", d.Grade, Text.Sharing(d.Sharing),
                string.Join(",", d.KeyColumns.Select(k => $"{k.Column}:{k.KeyType}")), d.OwnerUnit, d.ResponsiblePerson, d.Version.Length > 19 ? d.Version[..19] : d.Version,
            ]));
            return ExitCodes.Success;
        });

        var showName = new Argument<string>("name") { Description = "The dataset's name." };
        var showPeer = new Option<string?>("--peer") { Description = "Describe this paired peer's dataset instead." };
        var show = new Command("show", "Describe one dataset. Admin or analyst.") { showName, showPeer };
        context.SetAction(show, async (parse, node, output, cancellationToken) =>
        {
            var response = await node.Catalog.GetDatasetAsync(new GetDatasetRequest { Name = parse.GetValue(showName)!, Peer = parse.GetValue(showPeer) ?? string.Empty }, NodeConnection.Options(cancellationToken));
            if (output.Json)
            {
                output.WriteJson(response);
            }
            else
            {
                Describe(output, response.Dataset);
            }

            return ExitCodes.Success;
        });

        var removeName = new Argument<string>("name") { Description = "The dataset's name." };
        var remove = new Command("remove", "Remove a dataset from the catalog (refused while a grant covers it). Admin.") { removeName };
        context.SetAction(remove, async (parse, node, output, cancellationToken) =>
        {
            await node.Catalog.RemoveDatasetAsync(new RemoveDatasetRequest { Name = parse.GetValue(removeName)! }, NodeConnection.Options(cancellationToken));
            output.WriteLine($"Removed dataset '{parse.GetValue(removeName)}' from the catalog.");
            return ExitCodes.Success;
        });

        return new Command("dataset", "Register and browse datasets (metadata only ever leaves the node).") { add, list, show, remove };
    }

    private static DatasetSource Source(string? csv, string? encoding, string? sqlite, string? postgres, string? table, string? query)
    {
        var given = new[] { csv, sqlite, postgres }.Count(s => !string.IsNullOrEmpty(s));
        if (given != 1)
        {
            throw new CliException(ExitCodes.Usage, "Give exactly one source: --csv <file>, --sqlite <file> --table <t>, or --postgres <connection> (--table <t> | --query <sql>).");
        }

        if (!string.IsNullOrEmpty(csv))
        {
            return new DatasetSource { Csv = new CsvSource { Path = Path.GetFullPath(csv), Encoding = encoding ?? string.Empty } };
        }

        if (!string.IsNullOrEmpty(sqlite))
        {
            return string.IsNullOrEmpty(table)
                ? throw new CliException(ExitCodes.Usage, "--sqlite needs --table.")
                : new DatasetSource { Sqlite = new SqliteSource { Path = Path.GetFullPath(sqlite), Table = table } };
        }

        return new DatasetSource { Postgres = new PostgresSource { ConnectionString = postgres, Table = table ?? string.Empty, Query = query ?? string.Empty } };
    }

    private static void Describe(CliOutput output, Dataset d)
    {
        output.WriteLine($"Dataset '{d.Name}': {(d.RowCount > 0 ? d.RowCount.ToString(CultureInfo.InvariantCulture) + " rows, " : "")}grade {d.Grade}, {Text.Sharing(d.Sharing)}, version {d.Version}");
        if (d.SourceLocation.Length > 0)
        {
            output.WriteLine($"Source: {d.SourceKind} {d.SourceLocation}");
        }

        output.WriteLine($"Owner unit: {d.OwnerUnit}; responsible: {d.ResponsiblePerson}; updated: {d.UpdateCycle}");
        output.WriteLine("Columns: " + string.Join(", ", d.Columns.Select(c => $"{c.Name} ({c.Type})")));
        foreach (var report in d.KeyReports)
        {
            output.WriteLine($"Key {report.Column} ({report.KeyType}): {report.Valid} valid, {report.Invalid} invalid, {report.Duplicates} duplicates");
            foreach (var example in report.InvalidExamples)
            {
                output.WriteLine("  " + example);
            }
        }
    }
}
