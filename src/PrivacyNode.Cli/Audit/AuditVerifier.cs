using Google.Protobuf;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Signatures;

namespace PrivacyNode.Cli.Audit;

/// <summary>
/// Checks an audit export offline: it starts at record 1, sequence without gaps, each record's hash over its content, the chain
/// of previous hashes, each signature with the node's key, and each peer receipt with that peer's key, bound to the job or
/// request of the record that holds it. Given the peer's own export, both directions: every receipt names a record really in
/// the other export, and every receipt the peer holds of this node names a record in this export, so an export that ends
/// before a record a peer holds a receipt for (a truncated log) is reported. Stops at the first bad record.
/// </summary>
internal sealed class AuditVerifier
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

    private Report Verify(AuditExportHeader header, List<AuditRecord> records, byte[]? nodeKey)
    {
        var key = nodeKey ?? header.PublicKey.ToByteArray();
        if (nodeKey is not null && !header.PublicKey.Span.SequenceEqual(nodeKey))
        {
            return new Report(false, 0, 0, 0, null, "The export header names a different audit key than the one given with --key.");
        }

        if (records.Count > 0 && records[0].Seq != 1)
        {
            return new Report(false, records.Count, 0, 0, records[0].Seq,
                $"The export starts at record {records[0].Seq}, not 1: the records before it cannot be checked. Export the whole log (--from 1).");
        }

        ByteString? previous = null;
        ulong? expectedSeq = null;
        int checkedReceipts = 0, matched = 0;
        foreach (var record in records)
        {
            string? problem = null;
            if (expectedSeq is { } expected && record.Seq != expected)
            {
                problem = $"sequence jumps from {expected - 1} to {record.Seq} (records deleted, inserted or reordered)";
            }
            else if (record.Node != header.Node)
            {
                problem = $"written by '{record.Node}', not '{header.Node}'";
            }
            else if (!AuditFormat.ComputeHash(record).AsSpan().SequenceEqual(record.Hash.Span))
            {
                problem = "its hash does not match its content (the record was altered)";
            }
            else if (previous is null && record.Seq == 1 && !record.PrevHash.Span.SequenceEqual(AuditFormat.GenesisHash))
            {
                problem = "the first record does not start the chain";
            }
            else if (previous is not null && record.PrevHash != previous)
            {
                problem = "it does not chain to the previous record (a record before it was removed, replaced or reordered)";
            }
            else if (!Ed25519KeyPair.Verify(key, record.Hash.Span, record.Signature.Span))
            {
                problem = "its signature is not valid for the node's audit key";
            }
            else if (record.Details.Zip(record.Details.Skip(1)).Any(p => string.CompareOrdinal(p.First.Key, p.Second.Key) >= 0))
            {
                problem = "its details are not sorted by unique keys";
            }
            else if (record.PeerReceipt is { } receipt)
            {
                if (_peerKeys.TryGetValue(receipt.Node, out var peerKey))
                {
                    checkedReceipts++;
                    if (!Ed25519KeyPair.Verify(peerKey, receipt.Hash.Span, receipt.Signature.Span))
                    {
                        problem = $"its receipt from '{receipt.Node}' (record {receipt.Seq}) is not signed by that node's audit key";
                    }
                    else if (receipt.Subject.Length > 0 && receipt.Subject != AuditFormat.SubjectOf(record))
                    {
                        problem = $"its receipt from '{receipt.Node}' (record {receipt.Seq}) is for {receipt.Subject}, not for this record's {AuditFormat.SubjectOf(record)}";
                    }
                    else if (receipt.Subject.Length > 0
                        && !Ed25519KeyPair.Verify(peerKey, AuditFormat.ReceiptBinding(receipt.Node, receipt.Seq, receipt.Hash.Span, receipt.Subject), receipt.SubjectSignature.Span))
                    {
                        problem = $"its receipt from '{receipt.Node}' (record {receipt.Seq}) is not bound to {receipt.Subject} by that node's audit key";
                    }
                    else if (_peerRecords.TryGetValue(receipt.Node, out var peerRecords))
                    {
                        if (!peerRecords.TryGetValue(receipt.Seq, out var hash) || hash != receipt.Hash)
                        {
                            problem = $"its receipt names record {receipt.Seq} of '{receipt.Node}', which is not in that node's export as receipted";
                        }
                        else
                        {
                            matched++;
                        }
                    }
                }
            }

            if (problem is not null)
            {
                return new Report(false, records.Count, checkedReceipts, matched, record.Seq, $"Record {record.Seq} ({record.Action}) is bad: {problem}.");
            }

            previous = record.Hash;
            expectedSeq = record.Seq + 1;
        }

        var own = records.ToDictionary(r => r.Seq, r => r.Hash);
        var last = records.Count == 0 ? 0 : records[^1].Seq;
        foreach (var (holder, receipt) in _heldByPeers.Where(h => h.Receipt.Node == header.Node).OrderBy(h => h.Receipt.Seq))
        {
            if (receipt.Seq > last)
            {
                return new Report(false, records.Count, checkedReceipts, matched, receipt.Seq,
                    $"'{holder}' holds a receipt for record {receipt.Seq} of '{header.Node}', but this export ends at record {last}: the log was truncated, or the export is older than that receipt.");
            }

            if (!own.TryGetValue(receipt.Seq, out var hash) || hash != receipt.Hash)
            {
                return new Report(false, records.Count, checkedReceipts, matched, receipt.Seq,
                    $"Record {receipt.Seq} is not the record '{holder}' holds a receipt for (it was rewritten).");
            }

            matched++;
        }

        return new Report(true, records.Count, checkedReceipts, matched, null,
            $"OK: {records.Count} records of '{header.Node}' chain and verify; {checkedReceipts} peer {(checkedReceipts == 1 ? "receipt" : "receipts")} verified, {matched} matched against peer exports.");
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
