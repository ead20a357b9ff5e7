using Grpc.Core;
using Google.Protobuf;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Signatures;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Configuration;
using PrivacyNode.Node.Identity;
using PrivacyNode.Node.Peers;
using PrivacyNode.PinnedTls;
using PrivacyNode.Testing;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>
/// A requester running modified software: it holds its node's identity and audit key, so it speaks to a provider over the
/// pinned connection with validly signed receipts for any job id, and sends whatever messages it likes after the admission.
/// </summary>
internal sealed class RogueRequester : IDisposable
{
    private readonly NodeIdentity _identity;
    private readonly Ed25519KeyPair _auditKey;
    private readonly PeerChannels _channels;
    private readonly string _name;
    private ulong _seq = 1_000_000;

    public RogueRequester(CliNodes.Handle requester, string requesterName, CliNodes.Handle provider, string providerName)
    {
        _name = requesterName;
        _identity = NodeIdentity.Load(Path.Combine(requester.DataDirectory, "identity.pem"), KeyPassphrase.None);
        _auditKey = AuditKey.Load(Path.Combine(requester.DataDirectory, "audit-key.pem"), KeyPassphrase.None);
        _channels = new PeerChannels(_identity, TimeProvider.System, 64 << 20);
        using var providerIdentity = NodeIdentity.Load(Path.Combine(provider.DataDirectory, "identity.pem"), KeyPassphrase.None);
        Channel = _channels.Get(new PeerRecord(providerName, NodeRuntimeInfo.TryRead(provider.DataDirectory)!.Peer,
            CertificateFingerprint.Compute(providerIdentity.Certificate), null, null, DateTimeOffset.UtcNow, "test", null));
    }

    /// <summary>The pinned channel to the provider.</summary>
    public Grpc.Net.Client.GrpcChannel Channel { get; }

    /// <summary>
    /// An admission for <paramref name="spec"/> as job <paramref name="jobId"/> with a receipt signed by the requester's audit key (for
    /// <paramref name="receiptJobId"/>, by default the same job).
    /// </summary>
    public JobAdmission Admit(string jobId, JobSpec spec, long requesterSetSize, string? receiptJobId = null) => new()
    {
        JobId = jobId, Spec = spec, RequesterSetSize = requesterSetSize, RequesterReceipt = Receipt("job.start", receiptJobId ?? jobId),
    };

    /// <summary>A receipt of a fabricated, validly signed record of <paramref name="action"/> about <paramref name="jobId"/>.</summary>
    public AuditReceipt Receipt(string action, string jobId)
    {
        var record = new AuditRecord
        {
            Seq = ++_seq, TimeUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Node = _name, Actor = "system", ActorRole = "system",
            Action = action, Outcome = "ok", JobId = jobId, PrevHash = ByteString.CopyFrom(new byte[AuditFormat.HashSize]),
        };
        record.Hash = ByteString.CopyFrom(AuditFormat.ComputeHash(record));
        record.Signature = ByteString.CopyFrom(_auditKey.Sign(record.Hash.Span));
        record.ReceiptSignature = ByteString.CopyFrom(_auditKey.Sign(AuditFormat.ReceiptBinding(record.Node, record.Seq, record.Hash.Span, AuditFormat.SubjectOf(record))));
        return AuditFormat.ReceiptOf(record);
    }

    /// <summary>Sends <paramref name="messages"/> on PeerJobService.Psi, then reads until the provider ends the call; returns what came back.</summary>
    public async Task<List<PsiResponse>> PsiAsync(params PsiRequest[] messages)
    {
        using var call = new PeerJobService.PeerJobServiceClient(Channel).Psi(TestCalls.Within(TimeSpan.FromSeconds(60)));
        foreach (var message in messages)
        {
            await call.RequestStream.WriteAsync(message);
        }

        await call.RequestStream.CompleteAsync();
        var responses = new List<PsiResponse>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            responses.Add(call.ResponseStream.Current);
        }

        return responses;
    }

    /// <summary>Sends <paramref name="messages"/> on PeerJobService.Psi, then says nothing more and keeps its stream open; returns how the provider ended the call.</summary>
    public async Task<RpcException> PsiThenSilenceAsync(params PsiRequest[] messages)
    {
        using var call = new PeerJobService.PeerJobServiceClient(Channel).Psi(TestCalls.Within(TimeSpan.FromSeconds(60)));
        foreach (var message in messages)
        {
            await call.RequestStream.WriteAsync(message);
        }

        try
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        }
        catch (RpcException ended)
        {
            return ended;
        }

        throw new InvalidOperationException("The provider ended the call as if it had succeeded.");
    }

    public void Dispose()
    {
        _channels.Dispose();
        _auditKey.Dispose();
        _identity.Dispose();
    }
}
