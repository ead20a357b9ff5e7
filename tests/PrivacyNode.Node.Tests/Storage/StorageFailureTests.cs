using Grpc.Core;
using Microsoft.Data.Sqlite;
using Npgsql;
using PrivacyNode.Node.Storage;

namespace PrivacyNode.Node.Tests.Storage;

public sealed class StorageFailureTests
{
    [Fact]
    public void FullDisks_AreResourceExhausted()
    {
        Assert.Equal(StatusCode.ResourceExhausted, StorageFailure.ToStatus(new SqliteException("database or disk is full", 13))!.StatusCode);
        Assert.Equal(StatusCode.ResourceExhausted, StorageFailure.ToStatus(new PostgresException("could not extend file", "ERROR", "ERROR", PostgresErrorCodes.DiskFull))!.StatusCode);
        Assert.Equal(StatusCode.ResourceExhausted, StorageFailure.ToStatus(new IOException("No space left on device", 28))!.StatusCode);
        Assert.Contains("nothing was changed", StorageFailure.ToStatus(new SqliteException("full", 13))!.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void UnreachableOrRestartingServers_AreUnavailable()
    {
        Assert.Equal(StatusCode.Unavailable, StorageFailure.ToStatus(new PostgresException("terminating connection", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown))!.StatusCode);
        Assert.Equal(StatusCode.Unavailable, StorageFailure.ToStatus(new NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException()))!.StatusCode);
    }

    [Fact]
    public void OtherFailures_KeepTheGenericAnswer()
    {
        Assert.Null(StorageFailure.ToStatus(new SqliteException("constraint failed", 19)));
        Assert.Null(StorageFailure.ToStatus(new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation)));
        Assert.Null(StorageFailure.ToStatus(new IOException("Broken pipe", 32)));
        Assert.Null(StorageFailure.ToStatus(new InvalidOperationException("bug")));
    }
}
