using System.CommandLine;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Cli.Commands;

/// <summary>The <c>audit</c> group: export the node's log (auditor) and verify exports offline (anyone).</summary>
internal static class AuditCommands
{
    public static Command Create(CommandContext context)
    {
        var output = new Option<string?>("--out", "-o") { Description = "Write to this file instead of standard output (replaced atomically)." };
        var from = new Option<ulong>("--from") { Description = "First record to export.", DefaultValueFactory = _ => 1 };
        var export = new Command("export", "Export the audit log as JSON lines: a header, then one record per line. Auditor.") { output, from };
        context.SetAction(export, async (parse, node, cli, cancellationToken) =>
        {
            var path = parse.GetValue(output);
            var temporary = path is null ? null : path + ".tmp";
            var count = 0;
            await using (var writer = temporary is null ? null : new StreamWriter(temporary))
            {
                var target = writer ?? context.Environment.Output;
                await foreach (var message in NodeConnection.StreamAsync(options => node.Audit.ExportAudit(new ExportAuditRequest { FromSeq = parse.GetValue(from) }, options), cancellationToken))
                {
                    if (message.Header is { } header)
                    {
                        await target.WriteLineAsync(AuditFormat.ExportLine(header));
                    }

                    foreach (var record in message.Records)
                    {
                        await target.WriteLineAsync(AuditFormat.ExportLine(record));
                        count++;
                    }
                }
            }

            if (path is not null)
            {
                File.Move(temporary!, path, overwrite: true);
                cli.WriteLine($"Exported {count} records to {path}.");
            }

            return ExitCodes.Success;
        });

        var file = new Argument<string>("file") { Description = "An export made with 'privacynode audit export'." };
        var key = new Option<string?>("--key") { Description = "The node's audit public key (hex, from 'privacynode node info'); default: the key in the export header." };
        var peerKeys = new Option<string[]>("--peer-key") { Description = "A peer's audit public key, name=hex, to check its receipts. Repeatable." };
        var peerExports = new Option<string[]>("--peer-export") { Description = "A peer's own export, to match receipts to its records. Repeatable." };
        var verify = new Command("verify", "Check an export offline: chain, signatures and peer receipts; names the first bad record.") { file, key, peerKeys, peerExports };
        verify.SetAction(async (parse, cancellationToken) =>
        {
            var verifier = new AuditVerifier();
            foreach (var pair in parse.GetValue(peerKeys) ?? [])
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                verifier.AddPeerKey(equals > 0 ? pair[..equals] : throw new CliException(ExitCodes.Usage, $"--peer-key '{pair}' must be name=hex."), Hex(pair[(equals + 1)..], "--peer-key"));
            }

            foreach (var peerExport in parse.GetValue(peerExports) ?? [])
            {
                var peerReport = verifier.AddPeerExport(await ReadLinesAsync(peerExport, cancellationToken));
                if (!peerReport.Ok)
                {
                    throw new CliException(ExitCodes.Failed, $"{peerExport}: {peerReport.Message}");
                }
            }

            var pinned = parse.GetValue(key) is { } hex ? Hex(hex, "--key") : null;
            var report = verifier.Verify(await ReadLinesAsync(parse.GetValue(file)!, cancellationToken), pinned);
            if (!report.Ok)
            {
                throw new CliException(ExitCodes.Failed, report.Message);
            }

            await context.Environment.Output.WriteLineAsync(report.Message + (pinned is null ? " (signatures checked with the key in the export header; pass --key to pin it)" : string.Empty));
            return ExitCodes.Success;
        });

        return new Command("audit", "Export and verify the tamper-evident audit log.") { export, verify };
    }

    private static byte[] Hex(string text, string option)
    {
        try
        {
            var bytes = Convert.FromHexString(text.Trim());
            return bytes.Length == 32 ? bytes : throw new FormatException();
        }
        catch (FormatException)
        {
            throw new CliException(ExitCodes.Usage, $"{option}: '{text}' is not a 32-byte key in hex (64 hex digits).");
        }
    }

    private static async Task<string[]> ReadLinesAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllLinesAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Failed, $"Cannot read '{path}': {ex.Message}");
        }
    }
}
