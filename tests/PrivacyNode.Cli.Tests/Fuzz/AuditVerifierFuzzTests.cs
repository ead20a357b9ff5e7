using CsCheck;
using PrivacyNode.Testing;
using Google.Protobuf;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Signatures;

namespace PrivacyNode.Cli.Tests.Fuzz;

/// <summary>
/// A short, bounded, deterministic property-based fuzz (CsCheck generators, fixed seed) of <c>audit verify</c>: any file it is handed, as the export or as a peer's, yields a
/// report, never an exception. A mutated export is reported bad unless the change left it intact.
/// </summary>
public sealed class AuditVerifierFuzzTests
{
    [Fact]
    public void HostileExports_AreReported_NeverThrown()
    {
        var valid = Export("bureau", 4);
        var mutated = Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Int[0, 400], Gen.Char['!', '~'], (line, column, c) =>
        {
            var lines = (string[])valid.Clone();
            var text = lines[line];
            var at = Math.Min(column, text.Length);
            lines[line] = text[..at] + c + text[Math.Min(at + 1, text.Length)..];
            return lines;
        });
        var random = Gen.String.Array[0, 5];
        FuzzRun.Check(Gen.OneOf(mutated, random), lines =>
        {
            var report = new AuditVerifier().Verify(lines, null);
            if (!lines.SequenceEqual(valid) && report.Ok)
            {
                // A change that still verifies can only be one the format ignores (white space, field order in JSON).
                Assert.Equal(valid.Length, lines.Length);
            }

            var peerReport = new AuditVerifier().AddPeerExport(lines);
            Assert.NotNull(peerReport.Message);
        }, 3_000);
    }

    /// <summary>A valid export of <paramref name="count"/> records written by <paramref name="node"/>.</summary>
    private static string[] Export(string node, int count)
    {
        using var key = Ed25519KeyPair.Generate();
        var lines = new List<string> { JsonFormatter.Default.Format(new AuditExportHeader { Format = AuditFormat.ExportFormat, Node = node, PublicKey = ByteString.CopyFrom(key.PublicKey) }) };
        var previous = ByteString.CopyFrom(AuditFormat.GenesisHash);
        for (var seq = 1UL; seq <= (ulong)count; seq++)
        {
            var record = new AuditRecord { Seq = seq, TimeUnixMs = 1_800_000_000_000 + (long)seq, Node = node, Actor = "system", ActorRole = "system", Action = "test", Outcome = "ok", PrevHash = previous };
            record.Hash = ByteString.CopyFrom(AuditFormat.ComputeHash(record));
            record.Signature = ByteString.CopyFrom(key.Sign(record.Hash.Span));
            previous = record.Hash;
            lines.Add(JsonFormatter.Default.Format(record));
        }

        return [.. lines];
    }
}
