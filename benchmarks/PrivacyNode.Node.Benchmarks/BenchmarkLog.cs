using System.Globalization;
using PrivacyNode.Crypto.Signatures;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Configuration;
using PrivacyNode.Node.Storage;

namespace PrivacyNode.Node.Benchmarks;

/// <summary>
/// A SQLite node store whose audit log holds 10^6 signed records, one a minute from <see cref="StartMs"/>: seven analysts, two
/// peers, fifty grants, one record in ten about psi-sum, one in thirteen a denial. Built once (about four minutes: every record is
/// hashed and signed) in a directory under the system's temporary directory that later runs reuse; delete it to build afresh.
/// </summary>
public static class BenchmarkLog
{
    public const int Records = 1_000_000;

    public const long StartMs = 1_790_000_000_000;

    /// <summary>Builds the log if no earlier run did; returns the directory holding its <c>node.db</c>.</summary>
    public static async Task<string> EnsureAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "privacynode-audit-bench-v1");
        var complete = Path.Combine(directory, "complete");
        if (File.Exists(complete))
        {
            return directory;
        }

        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        await using (var database = await NodeDatabase.OpenAsync(new StorageOptions(), new DataDirectory(directory), CancellationToken.None))
        {
            using var key = Ed25519KeyPair.Generate();
            var audit = new AuditLog(database, key, "bureau", new MinuteClock());
            for (var start = 0; start < Records; start += 10_000)
            {
                await database.InTransactionAsync(async (connection, transaction) =>
                {
                    for (var i = start; i < start + 10_000; i++)
                    {
                        await audit.AppendAsync(connection, transaction, Entry(i), CancellationToken.None);
                    }

                    return true;
                }, CancellationToken.None);
            }
        }

        await File.WriteAllTextAsync(complete, "");
        return directory;
    }

    private static AuditEntry Entry(int i) =>
        new($"analyst-{i % 7}", "analyst", i % 3 == 0 ? "job.submit" : "policy.decision", i % 13 == 0 ? "deny" : "ok")
        {
            Peer = i % 2 == 0 ? "insurer" : "operator",
            Dataset = "claims",
            JobId = "job-" + i.ToString("D6", CultureInfo.InvariantCulture),
            GrantId = "grant-" + (i % 50).ToString(CultureInfo.InvariantCulture),
            PurposeCode = "fraud-check",
            Details = new Dictionary<string, string> { ["kind"] = i % 10 == 0 ? "psi-sum" : "psi", ["rows"] = (i * 7).ToString(CultureInfo.InvariantCulture) },
        };

    /// <summary>A clock that moves one minute each time it is read.</summary>
    private sealed class MinuteClock : TimeProvider
    {
        private long _ms = StartMs;

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Add(ref _ms, 60_000));
    }
}
