using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Aggregate;
using PrivacyNode.Crypto.Bfv;
using PrivacyNode.Crypto.Psi;
using PrivacyNode.Crypto.Sm2;
using PrivacyNode.Node;
using PrivacyNode.Node.Catalog;
using PrivacyNode.Node.Configuration;
using PrivacyNode.Node.Identity;
using PrivacyNode.Node.Jobs;
using PrivacyNode.Node.Kinds.Psi;

namespace PrivacyNode.Fuzz;

/// <summary>
/// One fuzz target per decoder a peer or a local user reaches. A target returns normally when its decoder accepted the input or
/// refused it with its own, documented error; any other exception is a finding. Each has valid seed inputs for the fuzzer to
/// mutate.
/// </summary>
public static class FuzzTargets
{
    /// <summary>
    /// The peer services, whose every request message a peer can send. Like every other state here it is made at first use: under
    /// afl, instrumented code may run only inside the fuzzing loop.
    /// </summary>
    private static readonly Lazy<ServiceDescriptor[]> PeerServices =
        new(() => [NodeService.Descriptor, PeerCatalogService.Descriptor, PeerAccessService.Descriptor, PeerJobService.Descriptor]);

    private static readonly Lazy<Bfv> BfvState = new(() => new Bfv());
    private static readonly Lazy<Seal> SealState = new(() => new Seal());
    private static readonly Lazy<PsiProvider> Ristretto = new(() => new PsiProvider(PsiSuite.Ristretto255));
    private static readonly Lazy<PsiProvider> Sm2 = new(() => new PsiProvider(PsiSuite.Sm2));
    private static readonly Lazy<string> Scratch = new(() => Directory.CreateTempSubdirectory("pn-fuzz-").FullName);

    /// <summary>Every target by name.</summary>
    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["ristretto255-point"] = RistrettoPoint,
        ["sm2-point"] = bytes => _ = Sm2Group.TryDecode(bytes, out _),
        ["psi-batch-ristretto255"] = bytes => Refused<PsiProtocolException>(() => Ristretto.Value.Evaluate(bytes)),
        ["psi-batch-sm2"] = bytes => Refused<PsiProtocolException>(() => Sm2.Value.Evaluate(bytes)),
        ["bfv-ciphertext"] = bytes => Refused<BfvFormatException>(() => BfvSerializer.DeserializeCiphertext(BfvState.Value.Parameters, bytes)),
        ["bfv-public-key"] = bytes => Refused<BfvFormatException>(() => BfvSerializer.DeserializePublicKey(BfvState.Value.Parameters, bytes)),
        ["bfv-plaintext"] = bytes => Refused<BfvFormatException>(() => BfvSerializer.DeserializePlaintext(BfvState.Value.Parameters, bytes)),
        ["contribution-seal"] = bytes => Refused<CryptographicException>(() => ContributionSeal.Open(SealState.Value.Recipient, "job"u8, bytes)),
        ["sealed-payload"] = bytes => Refused<PsiProtocolException>(() => PaddedPayload.Unpad(bytes)),
        ["peer-messages"] = PeerMessages,
        ["invitation"] = bytes => Refused<FormatException>(() => Invitation.Parse(Encoding.UTF8.GetString(bytes))),
        ["audit-export"] = AuditExport,
        ["csv-utf8"] = bytes => Csv(bytes, "utf-8"),
        ["csv-gb18030"] = bytes => Csv(bytes, "gb18030"),
        ["node-json"] = NodeJson,
    };

    /// <summary>The most a target may allocate for an input of <paramref name="length"/> bytes: 64 MiB, or 256 bytes per input byte.</summary>
    public static long AllocationLimit(int length) => Math.Max(64L << 20, 256L * length);

    /// <summary>Valid inputs of <paramref name="target"/>, for the fuzzer to start from.</summary>
    public static IEnumerable<byte[]> Seeds(string target) => target switch
    {
        "ristretto255-point" => [RandomElement(PsiSuite.Ristretto255), new byte[32]],
        "sm2-point" => [RandomElement(PsiSuite.Sm2)],
        "psi-batch-ristretto255" => [[.. RandomElement(PsiSuite.Ristretto255), .. RandomElement(PsiSuite.Ristretto255)]],
        "psi-batch-sm2" => [RandomElement(PsiSuite.Sm2)],
        "bfv-ciphertext" => [BfvState.Value.Ciphertext],
        "bfv-public-key" => [BfvState.Value.PublicKey],
        "bfv-plaintext" => [BfvState.Value.Plaintext],
        "contribution-seal" => [SealState.Value.Sealed],
        "sealed-payload" => [PaddedPayload.Pad(new PsiPayloadRow { Values = { "1000", "H1" } }, 64)],
        "peer-messages" => [Admission().ToByteArray(), new SubmitRequestRequest { Id = "req-1", Terms = new AccessTerms { Dataset = "claims", Columns = { "id_number" } }, FiledBy = "li.na" }.ToByteArray()],
        "invitation" => ["privacynode://bureau@bureau.example.gov.cn:7443?fp=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"u8.ToArray()],
        "audit-export" => [AuditSample()],
        "csv-utf8" => ["id_number,amount,hospital\n110105199001010011,1000,\"H, 1\"\n110105199001010029,20.5,H2\n"u8.ToArray()],
        "csv-gb18030" => [CsvReader.GetEncoding("gb18030").GetBytes("身份证号,金额\n110105199001010011,1000\n")],
        "node-json" => ["""{ "Format": 1, "Node": { "Name": "bureau", "PeerEndpoint": { "Listen": "127.0.0.1:0" }, "Console": { "Language": "zh-CN" }, "Jobs": { "TimeoutMinutes": 60 } } }"""u8.ToArray()],
        _ => throw new ArgumentException($"No fuzz target '{target}'.", nameof(target)),
    };

    private static void RistrettoPoint(byte[] bytes)
    {
        if (bytes.Length == 32 && Crypto.Ristretto.RistrettoPoint.TryDecode(bytes, out var point))
        {
            var encoded = new byte[32];
            point.Encode(encoded);
            if (!encoded.AsSpan().SequenceEqual(bytes))
            {
                throw new InvalidOperationException("A decoded point re-encodes differently: the decoding is not canonical.");
            }
        }
    }

    private static void PeerMessages(byte[] bytes)
    {
        foreach (var method in PeerServices.Value.SelectMany(s => s.Methods))
        {
            IMessage message;
            try
            {
                message = method.InputType.Parser.ParseFrom(bytes);
            }
            catch (InvalidProtocolBufferException)
            {
                continue;
            }

            if (message is JobAdmission admission)
            {
                try
                {
                    PeerInput.Check(admission);
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
                {
                }
            }
        }
    }

    private static void AuditExport(byte[] bytes)
    {
        var lines = Encoding.UTF8.GetString(bytes).Split('\n');
        var verifier = new AuditVerifier();
        if (verifier.AddPeerExport(lines).Message is null || verifier.Verify(lines, null).Message is null)
        {
            throw new InvalidOperationException("A report without a message.");
        }
    }

    private static void Csv(byte[] bytes, string encoding) => CsvAsync(bytes, encoding).GetAwaiter().GetResult();

    private static async Task CsvAsync(byte[] bytes, string encoding)
    {
        var path = Path.Combine(Scratch.Value, "input.csv");
        await File.WriteAllBytesAsync(path, bytes);
        try
        {
            await using var reader = await CsvReader.OpenAsync(path, encoding, CancellationToken.None);
            var rows = 0;
            while (await reader.ReadAsync(CancellationToken.None))
            {
                if (reader.Current.Count != reader.Columns.Count || ++rows > bytes.Length + 1)
                {
                    throw new InvalidOperationException("A row of the wrong width, or more rows than lines.");
                }
            }
        }
        catch (DataSourceException)
        {
        }
    }

    private static void NodeJson(byte[] bytes)
    {
        var directory = new DataDirectory(Scratch.Value);
        File.WriteAllBytes(directory.ConfigurationFile, bytes);
        Refused<NodeException>(() => NodeConfiguration.Bind(NodeConfiguration.Build(directory)));
    }

    /// <summary>Runs <paramref name="decode"/>: it may succeed or throw <typeparamref name="TRefusal"/>, and nothing else.</summary>
    private static void Refused<TRefusal>(Action decode)
        where TRefusal : Exception
    {
        try
        {
            decode();
        }
        catch (TRefusal)
        {
        }
    }

    private static byte[] RandomElement(PsiSuite suite)
    {
        using var requester = new PsiRequester(suite);
        return requester.Blind(["110105199001010011"u8.ToArray()]);
    }

    private static JobAdmission Admission() => new()
    {
        JobId = "job-1",
        Spec = new JobSpec { Kind = "psi", Peer = "bureau", GrantId = "grt-1", Dataset = "claims", OutputMode = "membership", PurposeCode = "p", Columns = { "id_number" } },
        RequesterSetSize = 100,
        RequesterReceipt = new AuditReceipt { Node = "insurer", Seq = 1 },
    };

    private static byte[] AuditSample()
    {
        using var key = Crypto.Signatures.Ed25519KeyPair.Generate();
        var lines = new List<string> { AuditFormat.ExportLine(new AuditExportHeader { Format = AuditFormat.ExportFormat, Node = "bureau", PublicKey = ByteString.CopyFrom(key.PublicKey) }) };
        var previous = ByteString.CopyFrom(AuditFormat.GenesisHash);
        for (var seq = 1UL; seq <= 3; seq++)
        {
            var record = new AuditRecord { Seq = seq, TimeUnixMs = 1_800_000_000_000, Node = "bureau", Actor = "system", ActorRole = "system", Action = "test", Outcome = "ok", PrevHash = previous };
            record.Hash = ByteString.CopyFrom(AuditFormat.ComputeHash(record));
            record.Signature = ByteString.CopyFrom(key.Sign(record.Hash.Span));
            previous = record.Hash;
            lines.Add(AuditFormat.ExportLine(record));
        }

        return Encoding.UTF8.GetBytes(string.Join('\n', lines));
    }

    /// <summary>A BFV key, ciphertext and plaintext under the he-aggregate parameters.</summary>
    private sealed class Bfv
    {
        public Bfv()
        {
            var keys = new KeyGenerator(Parameters);
            var publicKey = keys.CreatePublicKey(keys.CreateSecretKey());
            PublicKey = BfvSerializer.Serialize(publicKey);
            Ciphertext = BfvSerializer.Serialize(new Encryptor(publicKey).Encrypt(new Plaintext(Parameters)));
            Plaintext = BfvSerializer.Serialize(new Plaintext(Parameters));
        }

        public BfvParameters Parameters { get; } = HeAggregateParameters.Bfv;

        public byte[] PublicKey { get; }

        public byte[] Ciphertext { get; }

        public byte[] Plaintext { get; }
    }

    /// <summary>A recipient of sealed contributions and one contribution sealed to it.</summary>
    private sealed class Seal
    {
        public Seal()
        {
            Sealed = ContributionSeal.Seal(ContributionSeal.PublicKeyOf(Recipient), "job"u8, new byte[40]);
        }

        public ECDiffieHellman Recipient { get; } = ContributionSeal.CreateRecipient();

        public byte[] Sealed { get; }
    }
}
