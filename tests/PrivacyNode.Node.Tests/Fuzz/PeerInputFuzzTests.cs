using System.Text;
using CsCheck;
using Google.Protobuf;
using Grpc.Core;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Psi;
using PrivacyNode.Node.Catalog;
using PrivacyNode.Node.Configuration;
using PrivacyNode.Node.Identity;
using PrivacyNode.Node.Jobs;
using PrivacyNode.Node.Kinds.Psi;
using PrivacyNode.Testing;

namespace PrivacyNode.Node.Tests.Fuzz;

/// <summary>
/// A short, bounded, deterministic property-based fuzz (CsCheck generators, fixed seed) of what a peer or a local user hands the node: invitation lines, job admissions,
/// sealed payload frames and CSV files. Each ends in its precise refusal, never another exception or a hang.
/// </summary>
public sealed class PeerInputFuzzTests : IDisposable
{
    private const string ValidInvitation = "privacynode://bureau@bureau.example.gov.cn:7443?fp=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private readonly string _directory = Directory.CreateTempSubdirectory("pn-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void InvitationLines_ParseOrAreFormatErrors()
    {
        var mutated = Gen.Select(Gen.Int[0, ValidInvitation.Length - 1], Gen.Char, Gen.Bool, (position, c, insert) =>
            insert ? ValidInvitation.Insert(position, c.ToString()) : ValidInvitation.Remove(position, 1).Insert(position, c.ToString()));
        FuzzRun.Check(Gen.OneOf(Gen.String, mutated), line =>
        {
            try
            {
                var parsed = Invitation.Parse(line);
                Assert.Equal(parsed.ToString(), Invitation.Parse(parsed.ToString()).ToString());
            }
            catch (FormatException)
            {
            }
        }, 20_000);
    }

    [Fact]
    public void JobAdmissions_FromHostileBytes_AreProtocolErrorsOrChecked()
    {
        var spec = new JobSpec { Kind = "psi", Peer = "bureau", GrantId = "grt-1", Dataset = "claims", OutputMode = "membership", PurposeCode = "p", Columns = { "id_number" } };
        var valid = new JobAdmission { JobId = "job-1", Spec = spec, RequesterSetSize = 100, RequesterReceipt = new AuditReceipt { Node = "insurer", Seq = 1 } }.ToByteArray();
        var mutated = Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Byte, (position, value) =>
        {
            var copy = (byte[])valid.Clone();
            copy[position] = value;
            return copy;
        });
        FuzzRun.Check(Gen.OneOf(Gen.Byte.Array[0, 400], mutated), bytes =>
        {
            JobAdmission admission;
            try
            {
                admission = JobAdmission.Parser.ParseFrom(bytes);
            }
            catch (InvalidProtocolBufferException)
            {
                return;
            }

            try
            {
                PeerInput.Check(admission);
            }
            catch (RpcException ex)
            {
                Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
            }
        }, 20_000);
    }

    [Fact]
    public void SealedPayloadFrames_UnpadOrAreProtocolErrors()
    {
        FuzzRun.Check(Gen.Byte.Array[0, 200], bytes =>
        {
            try
            {
                PaddedPayload.Unpad(bytes);
            }
            catch (PsiProtocolException)
            {
            }
        }, 20_000);
    }

    [Fact]
    public void ConfigurationFiles_OfHostileText_BindOrAreNodeErrors()
    {
        var valid = """{ "Node": { "Name": "bureau", "PeerEndpoint": { "Listen": "127.0.0.1:0" }, "Jobs": { "TimeoutMinutes": 60, "MinRequesterSetSize": 100 }, "Access": { "MaxSumUses": 10 } } }""";
        var mutated = Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Char['!', '~'], Gen.Bool, (position, c, insert) =>
            insert ? valid.Insert(position, c.ToString()) : valid.Remove(position, 1).Insert(position, c.ToString()));
        var directory = new DataDirectory(_directory);
        FuzzRun.Check(Gen.OneOf(mutated, Gen.String), text =>
        {
            File.WriteAllText(directory.ConfigurationFile, text);
            try
            {
                NodeConfiguration.Bind(NodeConfiguration.Build(directory));
            }
            catch (NodeException)
            {
            }
        }, 3_000);
    }

    [Fact]
    public async Task CsvFiles_OfHostileBytes_ReadOrAreDataSourceErrors()
    {
        var header = Encoding.UTF8.GetBytes("id_number,amount\n");
        var files = Gen.OneOf(Gen.Byte.Array[0, 300], Gen.Byte.Array[0, 300].Select(body => (byte[])[.. header, .. body]),
            Gen.String.Select(text => Encoding.UTF8.GetBytes("id_number,amount\n" + text)));
        var path = Path.Combine(_directory, "fuzz.csv");
        foreach (var encoding in new[] { "utf-8", "gb18030" })
        {
            await FuzzRun.CheckAsync(files, async bytes =>
            {
                await File.WriteAllBytesAsync(path, bytes);
                try
                {
                    await using var reader = await CsvReader.OpenAsync(path, encoding, CancellationToken.None);
                    var rows = 0;
                    while (await reader.ReadAsync(CancellationToken.None))
                    {
                        Assert.Equal(reader.Columns.Count, reader.Current.Count);
                        Assert.True(++rows <= bytes.Length + 1);
                    }
                }
                catch (DataSourceException)
                {
                }
            }, 1_000);
        }
    }
}
