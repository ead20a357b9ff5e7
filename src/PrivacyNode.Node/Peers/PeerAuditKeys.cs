using Grpc.Core;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Signatures;
using PrivacyNode.Node.Storage;

namespace PrivacyNode.Node.Peers;

/// <summary>
/// Peers' audit public keys, learned from the peer itself over pinned mutual TLS the first time one is
/// needed and kept, so that receipts stay checkable after the peer is removed.
/// </summary>
public sealed class PeerAuditKeys(NodeDatabase database, PeerStore peers, PeerChannels channels, TimeProvider clock)
{
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(15);

    /// <summary>All known keys, by peer name.</summary>
    public async Task<List<(string Peer, byte[] Key)>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QueryAsync("SELECT peer, public_key FROM peer_audit_keys ORDER BY peer", r => (r.GetString(0), (byte[])r.GetValue(1)), cancellationToken);
    }

    /// <summary>
    /// Checks that <paramref name="receipt"/> is signed by <paramref name="peerName"/>'s audit key and is bound to <paramref name="subject"/>
    /// (<see cref="AuditFormat.JobSubject"/> or <see cref="AuditFormat.RequestSubject"/>): a receipt for another job or request is refused.
    /// </summary>
    /// <exception cref="RpcException">
    /// The receipt is missing, names another node or subject, or a signature is invalid (INVALID_ARGUMENT); the peer's key cannot be
    /// learned (UNAVAILABLE).
    /// </exception>
    public async Task VerifyAsync(string peerName, AuditReceipt? receipt, string subject, CancellationToken cancellationToken)
    {
        if (receipt is null || receipt.Node != peerName || receipt.Hash.Length != AuditFormat.HashSize)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"A signed audit receipt from '{peerName}' is required."));
        }

        if (receipt.Subject != subject)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"The audit receipt from '{peerName}' (record {receipt.Seq}) is not for this job or request."));
        }

        var key = await GetAsync(peerName, cancellationToken);
        if (!Ed25519KeyPair.Verify(key, receipt.Hash.Span, receipt.Signature.Span)
            || !Ed25519KeyPair.Verify(key, AuditFormat.ReceiptBinding(receipt.Node, receipt.Seq, receipt.Hash.Span, receipt.Subject), receipt.SubjectSignature.Span))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"The audit receipt from '{peerName}' (record {receipt.Seq}) does not carry valid signatures by its audit key."));
        }
    }

    /// <summary>Whether <paramref name="signature"/> is <paramref name="peerName"/>'s audit-key signature over <paramref name="statement"/>.</summary>
    /// <exception cref="RpcException">The peer is not paired with this node (FAILED_PRECONDITION) or its key cannot be learned (UNAVAILABLE).</exception>
    public async Task<bool> VerifyStatementAsync(string peerName, byte[] statement, ReadOnlyMemory<byte> signature, CancellationToken cancellationToken) =>
        Ed25519KeyPair.Verify(await GetAsync(peerName, cancellationToken), statement, signature.Span);

    private async Task<byte[]> GetAsync(string peerName, CancellationToken cancellationToken)
    {
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        {
            var known = await connection.ScalarAsync("SELECT public_key FROM peer_audit_keys WHERE peer = @p", cancellationToken, null, ("@p", peerName));
            if (known is byte[] bytes)
            {
                return bytes;
            }
        }

        var peer = await peers.GetAsync(peerName, cancellationToken)
            ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, $"'{peerName}' is not a paired peer."));
        GetNodeInfoResponse info;
        try
        {
            info = await new NodeService.NodeServiceClient(channels.Get(peer)).GetNodeInfoAsync(new GetNodeInfoRequest(), PeerClient.Options(FetchTimeout, cancellationToken));
        }
        catch (RpcException ex)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"Cannot learn the audit key of '{peerName}': {ex.Status.Detail}"));
        }

        var key = info.Node.AuditPublicKey.ToByteArray();
        if (info.Node.Name != peerName || key.Length != Ed25519KeyPair.PublicKeySize)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"'{peerName}' did not report a valid audit key."));
        }

        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        {
            var inserted = database.Dialect == SqlDialect.PostgreSql
                ? "INSERT INTO peer_audit_keys (peer, public_key, learned_at_ms) VALUES (@p, @k, @t) ON CONFLICT (peer) DO NOTHING"
                : "INSERT OR IGNORE INTO peer_audit_keys (peer, public_key, learned_at_ms) VALUES (@p, @k, @t)";
            await connection.ExecuteAsync(inserted, cancellationToken, ("@p", peerName), ("@k", key), ("@t", clock.GetUtcNow().ToUnixTimeMilliseconds()));
        }

        return key;
    }
}
