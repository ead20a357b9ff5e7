using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>
/// The whole control plane between two nodes, driven through the CLI as its users would: register a
/// dataset, request, approve, run row-count, watch, read and dispose of the result, verify both audit
/// logs with cross-receipts; then revoke and be denied; then tamper with a stored record and be caught.
/// </summary>
public sealed class ControlPlaneTests : IAsyncLifetime
{
    private readonly CliNodes _nodes = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.StopAllAsync();

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task RegisterRequestApproveRunDisposeVerify_ThenRevokeIsDenied_AndTamperingIsCaught(string storage)
    {
        var insurer = await _nodes.InitAndServeAsync("insurer", storage);
        var bureau = await _nodes.InitAndServeAsync("bureau", storage);
        await CliNodes.CliOkAsync(insurer, "peer", "add", (await CliNodes.CliOkAsync(bureau, "invite")).Trim());
        await CliNodes.CliOkAsync(bureau, "peer", "add", (await CliNodes.CliOkAsync(insurer, "invite")).Trim());
        var analyst = await CliNodes.AddUserAsync(insurer, "li.na", "analyst");
        var insurerAuditor = await CliNodes.AddUserAsync(insurer, "audit.a", "auditor");
        var bureauAuditor = await CliNodes.AddUserAsync(bureau, "audit.b", "auditor");

        // The bureau registers 40 claim rows, two of them with invalid IDs and one duplicate.
        var csv = Path.Combine(_nodes.Root, "claims.csv");
        var rows = new StringBuilder("id_number,amount\n");
        for (var i = 0; i < 37; i++)
        {
            rows.Append(CultureInfo.InvariantCulture, $"{ResidentId(i)},{100 + i}\n");
        }

        rows.Append("110105199001010999,5\n12345,6\n").Append(CultureInfo.InvariantCulture, $"{ResidentId(3).ToLowerInvariant()},7\n");
        await File.WriteAllTextAsync(csv, rows.ToString());
        var added = await CliNodes.CliOkAsync(bureau, "dataset", "add", "claims", "--csv", csv, "--grade", "重要", "--sharing", "conditional",
            "--key", "id_number:cn-resident-id", "--owner-unit", "Medical Insurance Bureau", "--responsible", "Wang Fang");
        Assert.Contains("40 rows", added, StringComparison.Ordinal);
        Assert.Contains("37 valid, 2 invalid, 1 duplicates", added, StringComparison.Ordinal);

        // Analysts see the bureau's catalog (metadata only) and may not register datasets themselves.
        var remote = await CliNodes.CliOkAsync(analyst, "dataset", "show", "claims", "--peer", "bureau", "--json");
        var shown = JsonDocument.Parse(remote).RootElement.GetProperty("dataset");
        // Issue 16, finding 9: no row count and no content digest, only an opaque version id.
        Assert.False(shown.TryGetProperty("rowCount", out var rowCount) && rowCount.GetString() != "0");
        Assert.StartsWith("r", shown.GetProperty("version").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("sha256", remote, StringComparison.Ordinal);
        Assert.Equal(string.Empty, shown.GetProperty("sourceLocation").GetString());
        Assert.Equal(ExitCodes.Denied, (await CliNodes.CliAsync(analyst, "dataset", "add", "x", "--csv", csv, "--grade", "L1", "--sharing", "conditional",
            "--key", "id_number:text", "--owner-unit", "u", "--responsible", "r")).Code);

        await CliNodes.CliOkAsync(analyst, "request", "file", "--peer", "bureau", "--dataset", "claims", "--columns", "id_number", "--kinds", "row-count",
            "--outputs", "count", "--purpose", "Check claim volumes for the 2026 fraud review", "--purpose-code", "claims-fraud-check",
            "--to", "2099-12-31", "--responsible", "Zhao Lei");
        var incoming = JsonDocument.Parse(await CliNodes.CliOkAsync(bureau, "request", "list", "--incoming", "--json")).RootElement.GetProperty("requests")[0];
        Assert.Equal("REQUEST_STATE_PENDING", incoming.GetProperty("state").GetString());
        var refuseWithoutReason = await CliNodes.CliAsync(bureau, "request", "refuse", incoming.GetProperty("id").GetString()!, "--peer", "insurer", "--reason", " ");
        Assert.Equal(ExitCodes.Failed, refuseWithoutReason.Code);
        await CliNodes.CliOkAsync(bureau, "request", "approve", incoming.GetProperty("id").GetString()!, "--peer", "insurer", "--max-uses", "3",
            "--min-result-size", "10", "--responsible", "Wang Fang");

        var held = JsonDocument.Parse(await CliNodes.CliOkAsync(analyst, "grant", "list", "--json")).RootElement.GetProperty("grants")[0];
        var grantId = held.GetProperty("id").GetString()!;
        var job = JsonDocument.Parse(await CliNodes.CliOkAsync(analyst, "job", "submit", "--kind", "row-count", "--grant", grantId, "--json")).RootElement.GetProperty("id").GetString()!;
        var watched = await CliNodes.CliOkAsync(analyst, "job", "watch", job);
        Assert.Contains("succeeded", watched, StringComparison.Ordinal);
        Assert.Contains("row_count: 40", await CliNodes.CliOkAsync(analyst, "job", "result", job), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Denied, (await CliNodes.CliAsync(insurer, "job", "result", job)).Code);
        Assert.Equal(ExitCodes.Denied, (await CliNodes.CliAsync(insurerAuditor, "job", "list")).Code);
        Assert.Equal(ExitCodes.Denied, (await CliNodes.CliAsync(analyst, "audit", "export")).Code);

        await CliNodes.CliOkAsync(analyst, "result", "dispose", job);
        Assert.Contains("disposed", (await CliNodes.CliAsync(analyst, "job", "result", job)).Error, StringComparison.Ordinal);

        // Revocation stops the next job at once, with the provider's reason.
        await CliNodes.CliOkAsync(bureau, "grant", "revoke", grantId, "--reason", "purpose ended early");
        var denied = JsonDocument.Parse(await CliNodes.CliOkAsync(analyst, "job", "submit", "--kind", "row-count", "--grant", grantId, "--json")).RootElement.GetProperty("id").GetString()!;
        var deniedWatch = await CliNodes.CliAsync(analyst, "job", "watch", denied);
        Assert.Equal(ExitCodes.Failed, deniedWatch.Code);
        Assert.Contains("grant-revoked", deniedWatch.Output, StringComparison.Ordinal);

        // Both logs verify, with each side's receipts matched against the other side's export.
        var insurerLog = Path.Combine(_nodes.Root, "insurer.jsonl");
        var bureauLog = Path.Combine(_nodes.Root, "bureau.jsonl");
        await CliNodes.CliOkAsync(insurerAuditor, "audit", "export", "--out", insurerLog);
        await CliNodes.CliOkAsync(bureauAuditor, "audit", "export", "--out", bureauLog);
        var insurerVerified = await CliNodes.CliOkAsync(insurerAuditor, "audit", "verify", insurerLog, "--peer-export", bureauLog);
        var bureauVerified = await CliNodes.CliOkAsync(bureauAuditor, "audit", "verify", bureauLog, "--peer-export", insurerLog);
        Assert.Contains("OK", insurerVerified, StringComparison.Ordinal);
        Assert.DoesNotContain(" 0 matched", insurerVerified, StringComparison.Ordinal);
        Assert.DoesNotContain(" 0 matched", bureauVerified, StringComparison.Ordinal);
        var bureauActions = File.ReadLines(bureauLog).Skip(1).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("action").GetString()).ToList();
        var insurerRefusals = File.ReadLines(insurerLog).Skip(1).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("action").GetString() == "call.refused").Select(r => r.GetProperty("actor").GetString()).ToList();
        Assert.Equal(["li.na", "admin", "audit.a", "li.na", "li.na"], insurerRefusals); // dataset add, job result, job list, audit export, disposed result
        Assert.Contains("policy.decision", bureauActions);
        Assert.Contains("grant.revoke", bureauActions);
        Assert.DoesNotContain(File.ReadAllText(bureauLog), "110105", StringComparison.Ordinal);

        // Someone with database access edits one stored record: verify names it.
        await using (var connection = CliNodes.OpenStore(bureau))
        {
            await connection.OpenAsync();
            await using var read = connection.CreateCommand();
            read.CommandText = "SELECT record FROM audit_records WHERE action = 'policy.decision' ORDER BY seq LIMIT 1";
            var record = AuditRecord.Parser.ParseFrom((byte[])(await read.ExecuteScalarAsync())!);
            record.Outcome = "deny";
            await using var write = connection.CreateCommand();
            write.CommandText = "UPDATE audit_records SET record = @r WHERE seq = @s";
            AddParameter(write, "@r", record.ToByteArray());
            AddParameter(write, "@s", (long)record.Seq);
            await write.ExecuteNonQueryAsync();
            var tampered = Path.Combine(_nodes.Root, "bureau-tampered.jsonl");
            await CliNodes.CliOkAsync(bureauAuditor, "audit", "export", "--out", tampered);
            var caught = await CliNodes.CliAsync(bureauAuditor, "audit", "verify", tampered);
            Assert.Equal(ExitCodes.Failed, caught.Code);
            Assert.Contains($"Record {record.Seq} (policy.decision) is bad", caught.Error, StringComparison.Ordinal);
        }
    }

    /// <summary>A synthetic resident ID (GB 11643 check character) for row <paramref name="i"/>: a thousand a day of birth from 1990-01-01.</summary>
    internal static string ResidentId(int i)
    {
        var body = "110105" + new DateOnly(1990, 1, 1).AddDays(i / 1000).ToString("yyyyMMdd", CultureInfo.InvariantCulture) + (i % 1000).ToString("D3", CultureInfo.InvariantCulture);
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = body.Select((c, k) => (c - '0') * weights[k]).Sum();
        return body + "10X98765432"[sum % 11];
    }

    private static void AddParameter(System.Data.Common.DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
