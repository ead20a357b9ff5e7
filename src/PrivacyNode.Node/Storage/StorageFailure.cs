using System.Data.Common;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace PrivacyNode.Node.Storage;

/// <summary>
/// The store failures a caller should hear about in plain words, because they are the machine's state and not a bug: a full
/// disk, and a PostgreSQL server that is down or restarting. The change that met them was not made (each runs in one
/// transaction), and the node keeps serving; the next call after the cause is gone succeeds.
/// </summary>
public static class StorageFailure
{
    private const int SqliteFull = 13;
    private const int DiskFullHResult = 28; // ENOSPC

    /// <summary>The status to answer for <paramref name="exception"/>, or null when it is not such a failure.</summary>
    public static RpcException? ToStatus(Exception exception) => exception switch
    {
        SqliteException { SqliteErrorCode: SqliteFull } or PostgresException { SqlState: PostgresErrorCodes.DiskFull }
            => new RpcException(new Status(StatusCode.ResourceExhausted,
                "The node's storage is full: nothing was changed. Free space where the node keeps its data, then try again.")),
        IOException io when (io.HResult & 0xFFFF) == DiskFullHResult
            => new RpcException(new Status(StatusCode.ResourceExhausted,
                "The node's disk is full: nothing was changed. Free space where the node keeps its data, then try again.")),
        PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.CrashShutdown }
            or NpgsqlException { IsTransient: true }
            => new RpcException(new Status(StatusCode.Unavailable,
                "The node's database is unreachable or restarting: nothing was changed. Try again once it is back.")),
        DbException when exception.InnerException is { } inner => ToStatus(inner),
        _ => null,
    };
}
