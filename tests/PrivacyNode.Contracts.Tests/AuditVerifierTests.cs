using Google.Protobuf;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Signatures;

namespace PrivacyNode.Contracts.Tests;

/// <summary>The verifier over records read one at a time, as the console runs it: whole logs, ranges and progress.</summary>
public sealed class AuditVerifierTests : IDisposable
{
    private readonly Ed25519KeyPair _key = Ed25519KeyPair.Generate();

    [Fact]
    public void WholeLog_Verifies_ReportingEachRecordOnce()
    {
        var records = Log(20);
        var seen = new List<ulong>();

        var report = new AuditVerifier().Verify(Header(), records, _key.PublicKey, progress: seen.Add);

        Assert.True(report.Ok, report.Message);
        Assert.Equal(20, report.Records);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (ulong)i), seen);
    }

    [Fact]
    public void Range_ChainsToTheRecordBeforeIt_AndFindsATamperedRecordInside()
    {
        var records = Log(20);
        var range = new AuditRange(8, 12, records[6].Hash);

        Assert.True(new AuditVerifier().Verify(Header(), records.Skip(7).Take(5), _key.PublicKey, range).Ok);
        var wrongAnchor = new AuditVerifier().Verify(Header(), records.Skip(7).Take(5), _key.PublicKey, range with { PreviousHash = records[5].Hash });
        Assert.False(wrongAnchor.Ok);
        Assert.Equal(8UL, wrongAnchor.BadSeq);
        Assert.Contains("does not chain to the previous record", wrongAnchor.Message, StringComparison.Ordinal);

        records[9].Actor = "someone-else";
        var tampered = new AuditVerifier().Verify(Header(), records.Skip(7).Take(5), _key.PublicKey, range);
        Assert.False(tampered.Ok);
        Assert.Equal(10UL, tampered.BadSeq);
        Assert.Contains("hash does not match its content", tampered.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Range_ThatDoesNotStartWhereItSays_IsReported()
    {
        var records = Log(10);

        var report = new AuditVerifier().Verify(Header(), records.Skip(4), _key.PublicKey, new AuditRange(3, null, null));

        Assert.False(report.Ok);
        Assert.Equal(5UL, report.BadSeq);
        Assert.Contains("start at 5, not at 3", report.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongKey_FailsAtTheFirstRecord()
    {
        using var other = Ed25519KeyPair.Generate();
        var header = Header();
        header.PublicKey = ByteString.CopyFrom(other.PublicKey);

        var report = new AuditVerifier().Verify(header, Log(3), null);

        Assert.False(report.Ok);
        Assert.Equal(1UL, report.BadSeq);
        Assert.Contains("signature is not valid", report.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _key.Dispose();

    private AuditExportHeader Header() => new() { Format = AuditFormat.ExportFormat, Node = "bureau", PublicKey = ByteString.CopyFrom(_key.PublicKey) };

    private List<AuditRecord> Log(int count)
    {
        var records = new List<AuditRecord>();
        var previous = ByteString.CopyFrom(AuditFormat.GenesisHash);
        for (var seq = 1UL; seq <= (ulong)count; seq++)
        {
            var record = new AuditRecord { Seq = seq, TimeUnixMs = 1_800_000_000_000 + (long)seq, Node = "bureau", Actor = "system", ActorRole = "system", Action = "test", Outcome = "ok", PrevHash = previous };
            record.Hash = ByteString.CopyFrom(AuditFormat.ComputeHash(record));
            record.Signature = ByteString.CopyFrom(_key.Sign(record.Hash.Span));
            previous = record.Hash;
            records.Add(record);
        }

        return records;
    }
}
