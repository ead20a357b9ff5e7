using System.Globalization;
using System.Text;
using System.Text.Json;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>
/// psi-sum between two nodes through the CLI (docs/protocols/psi-sum.md), checked against the plaintext sum over
/// the intersection: decimal values, the provider-enforced minimum result size, values outside the declared range,
/// repeated keys, and what each audit log records.
/// </summary>
public sealed class PsiSumJobTests : IAsyncLifetime
{
    private readonly CliNodes _nodes = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.StopAllAsync();

    [Fact]
    public async Task PsiSum_RevealsTheCountAndTheSumOnly()
    {
        var (insurer, bureau, analyst) = await _nodes.PairedAsync();

        // The bureau settled IDs 0..59 for 1000.50 + i·10.25 yuan; the insurer's claimants are 40..99: 20 in common.
        var settled = new StringBuilder("id_number,amount\n");
        for (var i = 0; i < 60; i++)
        {
            settled.Append(CultureInfo.InvariantCulture, $"{ControlPlaneTests.ResidentId(i)},{1000.50m + (i * 10.25m):0.00}\n");
        }

        await AddAsync(bureau, "settled", settled.ToString(), "conditional");
        await AddAsync(bureau, "repeated", $"id_number,amount\n{ControlPlaneTests.ResidentId(1)},5\n{ControlPlaneTests.ResidentId(1)},6\n", "conditional");
        await AddAsync(insurer, "claimants", "id_number\n" + string.Join('\n', Enumerable.Range(40, 60).Select(ControlPlaneTests.ResidentId)) + "\n", "not-shared");
        await AddAsync(insurer, "sparse", "id_number\n" + string.Join('\n', Enumerable.Range(58, 2).Concat(Enumerable.Range(200, 48)).Select(ControlPlaneTests.ResidentId)) + "\n", "not-shared");
        var grant = await GrantAsync(bureau, analyst, "settled");

        var result = await CliNodes.RunJobAsync(analyst, "--kind", "psi-sum", "--grant", grant, "--columns", "id_number,amount", "--input", "claimants:id_number", "--value-range", "0.00:100000.00");
        var expected = Enumerable.Range(40, 20).Sum(i => 1000.50m + (i * 10.25m));
        var row = result.GetProperty("rows")[0].GetProperty("values");
        Assert.Equal(("20", expected.ToString("0.00", CultureInfo.InvariantCulture)), (row[0].GetString(), row[1].GetString()));
        Assert.Equal(["intersection_size", "sum"], result.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));

        // Fewer than the grant's 5 matches: the provider decrypts the count, refuses, and no plane is opened.
        Assert.Contains("result-below-minimum", (await CliNodes.SubmitJobAsync(analyst, "--kind", "psi-sum", "--grant", grant, "--columns", "id_number,amount",
            "--input", "sparse:id_number", "--value-range", "0.00:100000.00")).Output, StringComparison.Ordinal);
        // Finding 7: a value above the declared range, or a declared scale the values exceed, fails the job with one fixed message that
        // names no row and no value (one bit per job); the provider's audit log keeps the row.
        var outside = await CliNodes.SubmitJobAsync(analyst, "--kind", "psi-sum", "--grant", grant, "--columns", "id_number,amount", "--input", "claimants:id_number", "--value-range", "0.00:1500.00");
        var scale = await CliNodes.SubmitJobAsync(analyst, "--kind", "psi-sum", "--grant", grant, "--columns", "id_number,amount", "--input", "claimants:id_number", "--value-range", "0:100000");
        foreach (var refused in new[] { outside.Output, scale.Output })
        {
            Assert.Contains("does not fit this job", refused, StringComparison.Ordinal);
            Assert.DoesNotContain("Row", refused, StringComparison.Ordinal);
            Assert.DoesNotContain("1502.75", refused, StringComparison.Ordinal);
        }
        // Bad ranges are refused before anything runs.
        Assert.Contains("is empty", (await CliNodes.SubmitJobAsync(analyst, "--kind", "psi-sum", "--grant", grant, "--columns", "id_number,amount",
            "--input", "claimants:id_number", "--value-range", "5:1")).Error, StringComparison.Ordinal);
        Assert.Contains("declares the value column's range", (await CliNodes.SubmitJobAsync(analyst, "--kind", "psi-sum", "--grant", grant, "--columns", "id_number,amount",
            "--input", "claimants:id_number")).Error, StringComparison.Ordinal);

        // A key column with repeated keys cannot be summed per key: refused with the same fixed message; the provider's log holds
        // the advice to group first.
        var repeatedGrant = await GrantAsync(bureau, analyst, "repeated");
        Assert.Contains("does not fit this job", (await CliNodes.SubmitJobAsync(analyst, "--kind", "psi-sum", "--grant", repeatedGrant, "--columns", "id_number,amount",
            "--input", "claimants:id_number", "--value-range", "0:10")).Output, StringComparison.Ordinal);

        // The provider's log records the count it decrypted and what was revealed; neither log holds an ID or an amount.
        var bureauAuditor = await CliNodes.AddUserAsync(bureau, "audit.b", "auditor");
        var log = Path.Combine(_nodes.Root, "bureau.jsonl");
        await CliNodes.CliOkAsync(bureauAuditor, "audit", "export", "--out", log);
        var provided = File.ReadLines(log).Skip(1).Select(l => JsonDocument.Parse(l).RootElement).Where(r => r.GetProperty("action").GetString() == "job.provide").ToList();
        Assert.Equal(["ok", "denied", "error", "error", "error"], provided.Select(r => r.GetProperty("outcome").GetString()));
        Assert.Equal(("20", "oprf-tags,encrypted-values,limb-sums"), (CliNodes.AuditDetail(provided[0], "intersection_size"), CliNodes.AuditDetail(provided[0], "revealed")));
        Assert.Equal(("2", "result-below-minimum"), (CliNodes.AuditDetail(provided[1], "intersection_size"), provided[1].GetProperty("reasonCode").GetString()));
        // The detail the requester did not see stays in the provider's own log.
        Assert.Contains("Row 50 of column 'amount'", CliNodes.AuditDetail(provided[2], "error"), StringComparison.Ordinal);
        Assert.Contains("GROUP BY", CliNodes.AuditDetail(provided[4], "error"), StringComparison.Ordinal);
        var text = File.ReadAllText(log);
        Assert.DoesNotContain("110105", text, StringComparison.Ordinal);
        Assert.DoesNotContain("1410.50", text, StringComparison.Ordinal);
    }

    private async Task AddAsync(CliNodes.Handle node, string name, string csv, string sharing)
    {
        var path = Path.Combine(_nodes.Root, name + ".csv");
        await File.WriteAllTextAsync(path, csv);
        await CliNodes.CliOkAsync(node, "dataset", "add", name, "--csv", path, "--grade", "L2", "--sharing", sharing,
            "--key", "id_number:cn-resident-id", "--owner-unit", "Unit", "--responsible", "Wang Fang");
    }

    private static async Task<string> GrantAsync(CliNodes.Handle provider, CliNodes.Handle analyst, string dataset)
    {
        await CliNodes.CliOkAsync(analyst, "request", "file", "--peer", "bureau", "--dataset", dataset, "--columns", "id_number,amount",
            "--kinds", "psi-sum", "--outputs", "sum", "--purpose", "Double-claim review", "--purpose-code", "claims-fraud-check",
            "--to", "2099-12-31", "--responsible", "Zhao Lei");
        var pending = JsonDocument.Parse(await CliNodes.CliOkAsync(provider, "request", "list", "--incoming", "--json")).RootElement.GetProperty("requests")
            .EnumerateArray().First(r => r.GetProperty("state").GetString() == "REQUEST_STATE_PENDING").GetProperty("id").GetString()!;
        await CliNodes.CliOkAsync(provider, "request", "approve", pending, "--peer", "insurer", "--max-uses", "10", "--min-result-size", "5", "--responsible", "Wang Fang");
        return JsonDocument.Parse(await CliNodes.CliOkAsync(analyst, "grant", "list", "--json")).RootElement.GetProperty("grants")
            .EnumerateArray().First(g => g.GetProperty("terms").GetProperty("dataset").GetString() == dataset).GetProperty("id").GetString()!;
    }
}
