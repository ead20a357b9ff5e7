using System.Data.Common;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Storage;

namespace PrivacyNode.Node.Users;

/// <summary>The local users and their token hashes. Every change is audited in the same transaction.</summary>
public sealed class UserStore(NodeDatabase database, AuditLog audit, TimeProvider clock)
{
    private const string Columns = "name, role, created_at_ms, created_by, id";

    /// <summary>Creates a user; false if the name is taken.</summary>
    public async Task<bool> AddAsync(string name, Role role, byte[] tokenHash, Actor by, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var exists = await connection.ScalarAsync("SELECT COUNT(*) FROM users WHERE name = @n", cancellationToken, transaction, ("@n", name));
            if (Convert.ToInt64(exists, System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                return false;
            }

            await connection.ExecuteAsync(
                "INSERT INTO users (name, role, token_hash, created_at_ms, created_by, id) VALUES (@n, @r, @h, @t, @b, @i)",
                cancellationToken, transaction,
                ("@n", name), ("@r", Roles.ToText(role)), ("@h", tokenHash), ("@t", clock.GetUtcNow().ToUnixTimeMilliseconds()), ("@b", by.Name),
                ("@i", "usr-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))));
            await audit.AppendAsync(connection, transaction, by.Does("user.add") with
            {
                Details = new Dictionary<string, string> { ["user"] = name, ["role"] = Roles.ToText(role) },
            }, cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>The user holding the token with this hash, or null.</summary>
    public async Task<UserRecord?> FindByTokenHashAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync($"SELECT {Columns} FROM users WHERE token_hash = @h", Read, cancellationToken, null, ("@h", tokenHash));
    }

    public async Task<List<UserRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QueryAsync($"SELECT {Columns} FROM users ORDER BY name", Read, cancellationToken);
    }

    /// <summary>Deletes a user, never the last admin.</summary>
    public async Task<RemoveUserOutcome> RemoveAsync(string name, Actor by, CancellationToken cancellationToken)
    {
        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            // Concurrent removals of two admins must not both see the other still there.
            await database.LockForUpdateAsync(connection, transaction, "users", cancellationToken);
            var user = await connection.QuerySingleOrDefaultAsync($"SELECT {Columns} FROM users WHERE name = @n", Read, cancellationToken, transaction, ("@n", name));
            if (user is null)
            {
                return RemoveUserOutcome.NotFound;
            }

            if (user.Role == Role.Admin)
            {
                var admins = await connection.ScalarAsync("SELECT COUNT(*) FROM users WHERE role = 'admin'", cancellationToken, transaction);
                if (Convert.ToInt64(admins, System.Globalization.CultureInfo.InvariantCulture) <= 1)
                {
                    return RemoveUserOutcome.LastAdmin;
                }
            }

            await connection.ExecuteAsync("DELETE FROM users WHERE name = @n", cancellationToken, transaction, ("@n", name));
            await audit.AppendAsync(connection, transaction, by.Does("user.remove") with
            {
                Details = new Dictionary<string, string> { ["user"] = name, ["role"] = Roles.ToText(user.Role) },
            }, cancellationToken);
            return RemoveUserOutcome.Removed;
        }, cancellationToken);
    }

    private static UserRecord Read(DbDataReader reader)
    {
        if (!Roles.TryParse(reader.GetString(1), out var role))
        {
            throw new InvalidDataException($"User '{reader.GetString(0)}' has unknown role '{reader.GetString(1)}' in the database.");
        }

        return new UserRecord(reader.GetString(0), role, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), reader.GetString(3), reader.GetString(4));
    }
}
