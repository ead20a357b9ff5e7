using System.Collections.Concurrent;
using System.Globalization;
using Google.Protobuf;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Identity;
using PrivacyNode.Node.Peers;

namespace PrivacyNode.Node.WebConsole;

/// <summary>
/// Chain checks started from the console, run in the background with <see cref="AuditVerifier"/>, the same check as
/// <c>audit verify</c>, over the log as stored. Each is visible to the user who started it; the last few are kept in memory, and
/// each finished check is itself recorded (<c>audit.verify</c>).
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class ChainChecks(NodeSelf self, AuditLog audit, AuditQuery query, PeerAuditKeys peerKeys, TimeProvider clock)
{
    private const int Kept = 20;
    private readonly ConcurrentDictionary<string, ChainCheck> _checks = new(StringComparer.Ordinal);

    /// <summary>The most recent finished check that found a bad record, if any: its record is flagged where it is shown.</summary>
    public ChainCheck? LastFailed => _checks.Values.Where(c => c.Report is { Ok: false, BadSeq: not null }).MaxBy(c => c.Started);

    /// <summary>
    /// Starts checking records <paramref name="first"/> to <paramref name="last"/> (to the end if null) for <paramref name="by"/>,
    /// matching receipts against <paramref name="peerExports"/> (each the lines of a peer's own export).
    /// </summary>
    /// <exception cref="ConsoleInputException">The range is empty or a peer export does not verify.</exception>
    public async Task<ChainCheck> StartAsync(Actor by, string owner, ulong first, ulong? last, IReadOnlyList<(string Name, string[] Lines)> peerExports, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(by);
        ArgumentNullException.ThrowIfNull(peerExports);
        var newest = await query.LastSeqAsync(cancellationToken);
        var end = Math.Min(last ?? newest, newest);
        if (first < 1 || first > end)
        {
            throw new ConsoleInputException($"The range {first}–{last?.ToString(CultureInfo.InvariantCulture) ?? "end"} holds no record; the log has records 1–{newest}.");
        }

        var verifier = new AuditVerifier();
        var header = new AuditExportHeader { Format = AuditFormat.ExportFormat, Node = self.Name, PublicKey = ByteString.CopyFrom(audit.PublicKey) };
        foreach (var (peer, key) in await peerKeys.ListAsync(cancellationToken))
        {
            verifier.AddPeerKey(peer, key);
        }

        foreach (var (name, lines) in peerExports)
        {
            var report = verifier.AddPeerExport(lines);
            if (!report.Ok)
            {
                throw new ConsoleInputException($"{name}: {report.Message}");
            }
        }

        var previous = first > 1 ? (await query.GetAsync(first - 1, cancellationToken))?.Hash : null;
        var check = new ChainCheck(owner, first, end, peerExports.Count, clock.GetUtcNow());
        _checks[check.Id] = check;
        foreach (var old in _checks.Values.OrderByDescending(c => c.Started).Skip(Kept))
        {
            _checks.TryRemove(old.Id, out _);
        }

        _ = Task.Run(async () =>
        {
            AuditVerifier.Report report;
            try
            {
                var records = audit.ReadAsync(first, CancellationToken.None).ToBlockingEnumerable().TakeWhile(r => r.Seq <= end);
                report = verifier.Verify(header, records, audit.PublicKey, new AuditRange(first, end, previous), seq => check.Checked = seq);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidProtocolBufferException or ObjectDisposedException)
            {
                // An unreadable record is a finding; a node stopping under the check ends it unrecorded.
                check.Report = new AuditVerifier.Report(false, 0, 0, 0, check.Checked + 1, $"Record {check.Checked + 1} cannot be read: {ex.Message}");
                if (ex is ObjectDisposedException)
                {
                    return;
                }

                report = check.Report;
            }

            await audit.AppendAsync(by.Does("audit.verify", report.Ok ? "ok" : "error") with
            {
                Details = new Dictionary<string, string>
                {
                    ["from_seq"] = first.ToString(CultureInfo.InvariantCulture),
                    ["to_seq"] = end.ToString(CultureInfo.InvariantCulture),
                    ["peer_exports"] = peerExports.Count.ToString(CultureInfo.InvariantCulture),
                    ["result"] = report.Message.Length > 512 ? report.Message[..512] + "…" : report.Message,
                },
            }, CancellationToken.None);
            check.Report = report;
        }, CancellationToken.None);
        return check;
    }

    /// <summary>The check <paramref name="id"/> if <paramref name="owner"/> started it.</summary>
    public ChainCheck? Find(string id, string owner) => _checks.TryGetValue(id, out var check) && check.Owner == owner ? check : null;

    /// <summary>The checks <paramref name="owner"/> started, newest first.</summary>
    public IEnumerable<ChainCheck> Of(string owner) => _checks.Values.Where(c => c.Owner == owner).OrderByDescending(c => c.Started);
}

/// <summary>One chain check: its range, how far it has got, and its report once done.</summary>
public sealed class ChainCheck(string owner, ulong first, ulong last, int peerExports, DateTimeOffset started)
{
    private long _checked = (long)first - 1;

    public string Id { get; } = ConsoleSessions.NewSecret()[..16];

    /// <summary>The id of the user who started it.</summary>
    public string Owner { get; } = owner;

    public ulong First { get; } = first;

    public ulong Last { get; } = last;

    public int PeerExports { get; } = peerExports;

    public DateTimeOffset Started { get; } = started;

    /// <summary>The last record checked so far.</summary>
    public ulong Checked
    {
        get => (ulong)Interlocked.Read(ref _checked);
        internal set => Interlocked.Exchange(ref _checked, (long)value);
    }

    /// <summary>The outcome, null while running.</summary>
    public AuditVerifier.Report? Report { get; internal set; }

    /// <summary>The share of the range checked, 0 to 1.</summary>
    public double Progress => Report is not null ? 1 : Math.Clamp((double)(Checked - (First - 1)) / (Last - First + 1), 0, 1);
}
