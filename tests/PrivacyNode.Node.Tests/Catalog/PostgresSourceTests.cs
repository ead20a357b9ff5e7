using PrivacyNode.Node.Catalog;

namespace PrivacyNode.Node.Tests.Catalog;

/// <summary>PostgreSQL sources: what is refused before any connection is made.</summary>
public sealed class PostgresSourceTests
{
    /// <summary>Issue 16, finding 9: the read-only session is a setting that a second statement in the query could undo.</summary>
    [Theory]
    [InlineData("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE; DELETE FROM claims")]
    [InlineData("SELECT 1; SELECT 2")]
    public async Task Finding9_AQueryOfMoreThanOneStatement_IsRefused(string query)
    {
        var ex = await Assert.ThrowsAsync<DataSourceException>(() => DbTableReader.OpenPostgresAsync("Host=127.0.0.1;Port=1", null, query, CancellationToken.None));

        Assert.Contains("one statement", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneStatementWithATrailingSemicolon_GetsAsFarAsConnecting()
    {
        var ex = await Assert.ThrowsAsync<DataSourceException>(() => DbTableReader.OpenPostgresAsync("Host=127.0.0.1;Port=1;Timeout=2", null, "SELECT 1;", CancellationToken.None));

        Assert.DoesNotContain("one statement", ex.Message, StringComparison.Ordinal);
    }
}
