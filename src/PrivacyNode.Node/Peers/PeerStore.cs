using System.Data.Common;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Identity;
using PrivacyNode.Node.Storage;

namespace PrivacyNode.Node.Peers;

/// <summary>The paired peers (the pins), persisted. Every change is audited in the same transaction.</summary>
public sealed class PeerStore(NodeDatabase database, AuditLog audit, TimeProvider clock)
{
    private const string Columns = "name, address, fingerprint, previous_fingerprint, previous_valid_until_ms, added_at_ms, added_by, rotated_at_ms";

    /// <summary>Pins the node in <paramref name="invitation"/>. With <paramref name="replace"/>, a peer of the same name is replaced.</summary>
    public async Task<(AddPeerOutcome Outcome, PeerRecord? Peer)> AddAsync(Invitation invitation, Actor by, bool replace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        return await database.InTransactionAsync<(AddPeerOutcome, PeerRecord?)>(async (connection, transaction) =>
        {
            var byName = await connection.QuerySingleOrDefaultAsync($"SELECT {Columns} FROM peers WHERE name = @n", Read, cancellationToken, transaction, ("@n", invitation.Name));
            if (byName is not null && !replace)
            {
                return (AddPeerOutcome.NameTaken, byName);
            }

            var byCertificate = await connection.QuerySingleOrDefaultAsync($"SELECT {Columns} FROM peers WHERE fingerprint = @f", Read, cancellationToken, transaction, ("@f", invitation.Fingerprint));
            if (byCertificate is not null && byCertificate.Name != invitation.Name)
            {
                return (AddPeerOutcome.CertificateTaken, byCertificate);
            }

            var record = new PeerRecord(invitation.Name, invitation.Address, invitation.Fingerprint, null, null, clock.GetUtcNow(), by.Name, null);
            await connection.ExecuteAsync("DELETE FROM peers WHERE name = @n", cancellationToken, transaction, ("@n", record.Name));
            await connection.ExecuteAsync(
                "INSERT INTO peers (name, address, fingerprint, added_at_ms, added_by) VALUES (@n, @a, @f, @t, @b)",
                cancellationToken, transaction,
                ("@n", record.Name), ("@a", record.Address), ("@f", record.Fingerprint), ("@t", record.AddedAt.ToUnixTimeMilliseconds()), ("@b", by.Name));
            await audit.AppendAsync(connection, transaction, by.Does(byName is null ? "peer.add" : "peer.replace") with
            {
                Peer = record.Name,
                Details = new Dictionary<string, string> { ["address"] = record.Address, ["fingerprint"] = Fingerprint.Format(record.Fingerprint) },
            }, cancellationToken);
            return (byName is null ? AddPeerOutcome.Added : AddPeerOutcome.Replaced, record);
        }, cancellationToken);
    }

    public async Task<List<PeerRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QueryAsync($"SELECT {Columns} FROM peers ORDER BY name", Read, cancellationToken);
    }

    public async Task<PeerRecord?> GetAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync($"SELECT {Columns} FROM peers WHERE name = @n", Read, cancellationToken, null, ("@n", name));
    }

    /// <summary>Unpins a peer; false if there is none of that name.</summary>
    public async Task<bool> RemoveAsync(string name, Actor by, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteAsync("DELETE FROM peers WHERE name = @n", cancellationToken, transaction, ("@n", name)) == 0)
            {
                return false;
            }

            await audit.AppendAsync(connection, transaction, by.Does("peer.remove") with { Peer = name }, cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Pins a peer's new certificate in place of <paramref name="currentFingerprint"/>, keeping that one valid for calls until
    /// <paramref name="previousValidUntil"/>. Refused, with nothing changed, when the new certificate is pinned on this node
    /// already (current or previous, for any peer) or the peer's pin is no longer <paramref name="currentFingerprint"/>.
    /// </summary>
    public async Task<RotateOutcome> RotateAsync(string name, byte[] newFingerprint, byte[] currentFingerprint, DateTimeOffset previousValidUntil, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var clash = await connection.ScalarAsync(
                "SELECT COUNT(*) FROM peers WHERE fingerprint = @f OR previous_fingerprint = @f", cancellationToken, transaction, ("@f", newFingerprint));
            if (Convert.ToInt64(clash, System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                return RotateOutcome.CertificateTaken;
            }

            var updated = await connection.ExecuteAsync(
                "UPDATE peers SET fingerprint = @f, previous_fingerprint = @p, previous_valid_until_ms = @u, rotated_at_ms = @t WHERE name = @n AND fingerprint = @p",
                cancellationToken, transaction,
                ("@n", name), ("@f", newFingerprint), ("@p", currentFingerprint), ("@u", previousValidUntil.ToUnixTimeMilliseconds()), ("@t", clock.GetUtcNow().ToUnixTimeMilliseconds()));
            if (updated == 0)
            {
                return RotateOutcome.NotCurrent;
            }

            await audit.AppendAsync(connection, transaction, Actor.Peer(name).Does("peer.rotate-certificate") with
            {
                Peer = name,
                Details = new Dictionary<string, string> { ["fingerprint"] = Fingerprint.Format(newFingerprint), ["previous_fingerprint"] = Fingerprint.Format(currentFingerprint) },
            }, cancellationToken);
            return RotateOutcome.Rotated;
        }, cancellationToken);
    }

    private static PeerRecord Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        (byte[])reader.GetValue(2),
        reader.IsDBNull(3) ? null : (byte[])reader.GetValue(3),
        reader.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
        reader.GetString(6),
        reader.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)));
}
