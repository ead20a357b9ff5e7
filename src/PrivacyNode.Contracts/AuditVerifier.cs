using Google.Protobuf;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Signatures;

namespace PrivacyNode.Contracts;

/// <summary>
/// Checks an audit export offline: it starts at record 1, sequence without gaps, each record's hash over its content, the chain
/// of previous hashes, each signature with the node's key, and each peer receipt with that peer's key, bound to the job or
/// request of the record that holds it. Given the peer's own export, both directions: every receipt names a record really in
/// the other export, and every receipt the peer holds of this node names a record in this export, so an export that ends
/// before a record a peer holds a receipt for (a truncated log) is reported. Stops at the first bad record.
/// </summary>
public sealed class AuditVerifier
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));
    private readonly Dictionary<string, byte[]> _peerKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<ulong, ByteString>> _peerRecords = new(StringComparer.Ordinal);
    private readonly List<(string Holder, AuditReceipt Receipt)> _heldByPeers = [];

    /// <summary>The outcome: ok, and if not, which record failed and why.</summary>
    public sealed record Report(bool Ok, int Records, int ReceiptsChecked, int ReceiptsMatched, ulong? BadSeq, string Message);

    /// <summary>Trusts <paramref name="key"/> as <paramref name="peer"/>'s audit key (overrides the export header).</summary>
    public void AddPeerKey(string peer, byte[] key) => _peerKeys[peer] = key;

    /// <summary>Reads a peer's export so receipts can be matched to its records (the export is verified first).</summary>
    public Report AddPeerExport(IEnumerable<string> lines)
    {
        if (TryRead(lines, out var header, out var records) is { } unreadable)
        {
            return unreadable;
        }

        var report = Verify(header, records, null);
        if (report.Ok)
        {
            _peerRecords[header.Node] = records.ToDictionary(r => r.Seq, r => r.Hash);
            _peerKeys.TryAdd(header.Node, header.PublicKey.ToByteArray());
            _heldByPeers.AddRange(records.Where(r => r.PeerReceipt is not null).Select(r => (header.Node, r.PeerReceipt)));
        }

        return report;
    }

    /// <summary>Verifies an export; <paramref name="nodeKey"/> pins the node's key instead of trusting the header's.</summary>
    public Report Verify(IEnumerable<string> lines, byte[]? nodeKey)
    {
        if (TryRead(lines, out var header, out var records) is { } unreadable)
        {
            return unreadable;
        }

        foreach (var peer in header.PeerKeys)
        {
            _peerKeys.TryAdd(peer.Node, peer.PublicKey.ToByteArray());
        }

        return Verify(header, records, nodeKey);
    }

    /// <summary>
    /// Verifies <paramref name="records"/> of the node <paramref name="header"/> names, read one at a time (a log of any length), against
    /// <paramref name="nodeKey"/> or else the header's key. With <paramref name="range"/>, only its records, chained to the given hash
    /// of the record before them; the receipts peers hold are then matched within the range only. <paramref name="progress"/> is told
    /// each record's sequence number once it is checked.
    /// </summary>
    public Report Verify(AuditExportHeader header, IEnumerable<AuditRecord> records, byte[]? nodeKey, AuditRange? range = null, Action<ulong>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(records);
        var key = nodeKey ?? header.PublicKey.ToByteArray();
        if (nodeKey is not null && !header.PublicKey.Span.SequenceEqual(nodeKey))
        {
            return new Report(false, 0, 0, 0, null, "The export header names a different audit key than the one given with --key.");
        }

        var first = range?.First ?? 1;
        var held = _heldByPeers.Where(h => h.Receipt.Node == header.Node).OrderBy(h => h.Receipt.Seq).ToList();
        var wanted = held.Select(h => h.Receipt.Seq).ToHashSet();
        var own = new Dictionary<ulong, ByteString>();
        var previous = range?.PreviousHash ?? (first == 1 ? ByteString.CopyFrom(AuditFormat.GenesisHash) : null);
        ulong? expectedSeq = null;
        int count = 0, checkedReceipts = 0, matched = 0;
        try
        {
            foreach (var record in records)
            {
                count++;
                if (expectedSeq is null && record.Seq != first)
                {
                    return new Report(false, count, 0, 0, record.Seq, first == 1
                        ? $"The export starts at record {record.Seq}, not 1: the records before it cannot be checked. Export the whole log (--from 1)."
                        : $"The records start at {record.Seq}, not at {first}.");
                }

                if (Problem(header, record, key, expectedSeq, previous, ref checkedReceipts, ref matched) is { } problem)
                {
                    return new Report(false, count, checkedReceipts, matched, record.Seq, $"Record {record.Seq} ({record.Action}) is bad: {problem}.");
                }

                if (wanted.Contains(record.Seq))
                {
                    own[record.Seq] = record.Hash;
                }

                previous = record.Hash;
                expectedSeq = record.Seq + 1;
                progress?.Invoke(record.Seq);
            }
        }
        catch (FormatException ex)
        {
            return new Report(false, count, checkedReceipts, matched, null, ex.Message);
        }

        var last = expectedSeq is { } next ? next - 1 : first - 1;
        foreach (var (holder, receipt) in held.Where(h => h.Receipt.Seq >= first && (range?.Last is not { } end || h.Receipt.Seq <= end)))
        {
            if (receipt.Seq > last)
            {
                return new Report(false, count, checkedReceipts, matched, receipt.Seq,
                    $"'{holder}' holds a receipt for record {receipt.Seq} of '{header.Node}', but this export ends at record {last}: the log was truncated, or the export is older than that receipt.");
            }

            if (!own.TryGetValue(receipt.Seq, out var hash) || hash != receipt.Hash)
            {
                return new Report(false, count, checkedReceipts, matched, receipt.Seq,
                    $"Record {receipt.Seq} is not the record '{holder}' holds a receipt for (it was rewritten).");
            }

            matched++;
        }

        return new Report(true, count, checkedReceipts, matched, null,
            $"OK: {count} records of '{header.Node}' chain and verify; {checkedReceipts} peer {(checkedReceipts == 1 ? "receipt" : "receipts")} verified, {matched} matched against peer exports.");
    }

    /// <summary>What is wrong with <paramref name="record"/>, or null: its place in the chain, hash, signature, details and receipt.</summary>
    private string? Problem(AuditExportHeader header, AuditRecord record, byte[] key, ulong? expectedSeq, ByteString? previous, ref int checkedReceipts, ref int matched)
    {
        if (expectedSeq is { } expected && record.Seq != expected)
        {
            return $"sequence jumps from {expected - 1} to {record.Seq} (records deleted, inserted or reordered)";
        }

        if (record.Node != header.Node)
        {
            return $"written by '{record.Node}', not '{header.Node}'";
        }

        if (!AuditFormat.ComputeHash(record).AsSpan().SequenceEqual(record.Hash.Span))
        {
            return "its hash does not match its content (the record was altered)";
        }

        if (previous is not null && record.PrevHash != previous)
        {
            return record.Seq == 1
                ? "the first record does not start the chain"
                : "it does not chain to the previous record (a record before it was removed, replaced or reordered)";
        }

        if (!Ed25519KeyPair.Verify(key, record.Hash.Span, record.Signature.Span))
        {
            return "its signature is not valid for the node's audit key";
        }

        if (record.Details.Zip(record.Details.Skip(1)).Any(p => string.CompareOrdinal(p.First.Key, p.Second.Key) >= 0))
        {
            return "its details are not sorted by unique keys";
        }

        if (record.PeerReceipt is not { } receipt || !_peerKeys.TryGetValue(receipt.Node, out var peerKey))
        {
            return null;
        }

        checkedReceipts++;
        if (ReceiptProblem(receipt, record, peerKey) is { } problem)
        {
            return problem;
        }

        if (_peerRecords.TryGetValue(receipt.Node, out var peerRecords))
        {
            if (!peerRecords.TryGetValue(receipt.Seq, out var hash) || hash != receipt.Hash)
            {
                return $"its receipt names record {receipt.Seq} of '{receipt.Node}', which is not in that node's export as receipted";
            }

            matched++;
        }

        return null;
    }

    /// <summary>What is wrong with the peer receipt <paramref name="record"/> holds, checked with that peer's key, or null.</summary>
    public static string? ReceiptProblem(AuditReceipt receipt, AuditRecord record, byte[] peerKey)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(record);
        if (!Ed25519KeyPair.Verify(peerKey, receipt.Hash.Span, receipt.Signature.Span))
        {
            return $"its receipt from '{receipt.Node}' (record {receipt.Seq}) is not signed by that node's audit key";
        }

        if (receipt.Subject.Length > 0 && receipt.Subject != AuditFormat.SubjectOf(record))
        {
            return $"its receipt from '{receipt.Node}' (record {receipt.Seq}) is for {receipt.Subject}, not for this record's {AuditFormat.SubjectOf(record)}";
        }

        if (receipt.Subject.Length > 0
            && !Ed25519KeyPair.Verify(peerKey, AuditFormat.ReceiptBinding(receipt.Node, receipt.Seq, receipt.Hash.Span, receipt.Subject), receipt.SubjectSignature.Span))
        {
            return $"its receipt from '{receipt.Node}' (record {receipt.Seq}) is not bound to {receipt.Subject} by that node's audit key";
        }

        return null;
    }

    /// <summary>Reads an export; null when it parsed, else the report that says why it did not.</summary>
    private static Report? TryRead(IEnumerable<string> lines, out AuditExportHeader header, out List<AuditRecord> records)
    {
        try
        {
            (header, records) = Read(lines);
            return null;
        }
        catch (FormatException ex)
        {
            (header, records) = (new AuditExportHeader(), []);
            return new Report(false, 0, 0, 0, null, ex.Message);
        }
    }

    private static (AuditExportHeader Header, List<AuditRecord> Records) Read(IEnumerable<string> lines)
    {
        AuditExportHeader? header = null;
        var records = new List<AuditRecord>();
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                if (header is null)
                {
                    header = Parser.Parse<AuditExportHeader>(line);
                    if (header.Format != AuditFormat.ExportFormat)
                    {
                        throw new FormatException($"Line 1 is not a PrivacyNode audit export header (format '{header.Format}', expected '{AuditFormat.ExportFormat}').");
                    }
                }
                else
                {
                    records.Add(Parser.Parse<AuditRecord>(line));
                }
            }
            catch (InvalidProtocolBufferException ex)
            {
                throw new FormatException($"Line {number} is not a valid audit {(header is null ? "header" : "record")}: {ex.Message}", ex);
            }
            catch (InvalidJsonException ex)
            {
                throw new FormatException($"Line {number} is not valid JSON: {ex.Message}", ex);
            }
        }

        return (header ?? throw new FormatException("The file is empty; expected an audit export."), records);
    }
}

/// <summary>
/// Part of a log to verify: records <see cref="First"/> to <see cref="Last"/> (to the end if null), the first of them chained to
/// <see cref="PreviousHash"/>, the hash of the record before it as the log holds it (unchecked when null).
/// </summary>
public sealed record AuditRange(ulong First, ulong? Last, ByteString? PreviousHash);
