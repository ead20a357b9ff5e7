using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Psi;
using PrivacyNode.Node.Catalog;
using PrivacyNode.Node.Kinds.Psi;

namespace PrivacyNode.Node.Tests.Jobs;

/// <summary>The provider's tag cache: one snapshot of key and tags per job.</summary>
public sealed class ProviderTagCacheTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pn-tags-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>
    /// Issue 16, finding 9: a job that found the cache, then read its tag file while another job rebuilt it under a new key, could send
    /// the new key's tags with the old key's evaluations.
    /// </summary>
    [Fact]
    public async Task Finding9_ARebuildWhileAJobReads_LeavesTheJobWithItsOwnKeysTags()
    {
        var csv = Path.Combine(_directory, "text.csv");
        await File.WriteAllLinesAsync(csv, ["name", .. Enumerable.Range(0, 50).Select(i => $"key-{i}")]);
        var dataset = new Dataset { Name = "names", Version = "v1", KeyColumns = { new KeyColumn { Column = "name", KeyType = "text" } } };
        var entry = new DatasetStore.Entry(dataset, new DatasetSource { Csv = new CsvSource { Path = csv } });
        var cache = new ProviderTagCache(Path.Combine(_directory, "cache"), TimeSpan.FromDays(1), TimeProvider.System);

        using var first = await cache.GetAsync(entry, "name", PsiSuite.Ristretto255, CancellationToken.None);
        File.SetLastWriteTimeUtc(csv, DateTime.UtcNow.AddMinutes(1));
        using var rebuilt = await cache.GetAsync(entry, "name", PsiSuite.Ristretto255, CancellationToken.None);
        Assert.True(rebuilt.Built);
        Assert.NotEqual(first.KeyId, rebuilt.KeyId);

        Assert.Equal(await TagsUnderOwnKeyAsync(first), await ReadAllAsync(first));
        Assert.Equal(await TagsUnderOwnKeyAsync(rebuilt), await ReadAllAsync(rebuilt));
    }

    private static async Task<HashSet<string>> ReadAllAsync(CachedTags cached)
    {
        var tags = new HashSet<string>();
        await foreach (var batch in cached.ReadAsync(16, CancellationToken.None))
        {
            for (var i = 0; i < batch.Length; i += Oprf.TagSize)
            {
                tags.Add(Convert.ToHexString(batch.Span.Slice(i, Oprf.TagSize)));
            }
        }

        return tags;
    }

    private static Task<HashSet<string>> TagsUnderOwnKeyAsync(CachedTags cached)
    {
        using var provider = cached.CreateProvider();
        var tags = new byte[50 * Oprf.TagSize];
        provider.Tag([.. Enumerable.Range(0, 50).Select(i => System.Text.Encoding.UTF8.GetBytes($"key-{i}"))], tags, default);
        return Task.FromResult(tags.Chunk(Oprf.TagSize).Select(Convert.ToHexString).ToHashSet());
    }
}
