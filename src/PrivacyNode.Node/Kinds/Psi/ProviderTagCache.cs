using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Psi;
using PrivacyNode.Node.Catalog;
using PrivacyNode.Node.Configuration;

namespace PrivacyNode.Node.Kinds.Psi;

/// <summary>
/// The provider's precomputed psi and psi-count tags, per (dataset, key column, suite), in
/// <c>&lt;data-dir&gt;/psi-cache</c>: its OPRF key and the sorted distinct tags of its keys under that key, so that
/// a repeated or unbalanced job only evaluates the requester's blinded keys and streams a file.
/// A cache is used only while it is for the dataset's registered version, the source file is unchanged
/// (length and modification time) and its key is younger than the key lifetime; otherwise it is rebuilt
/// with a fresh key, so a requester never sees one key's tags for two versions of a set. Sources that
/// cannot be checked cheaply (PostgreSQL) are never cached. See docs/protocols/psi.md.
/// </summary>
public sealed class ProviderTagCache(string directory, TimeSpan keyLifetime, TimeProvider clock)
{
    private const int Format = 1;

    /// <summary>Keys tagged per parallel step while building.</summary>
    private const int BuildBatch = 1 << 16;

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    /// <summary>Whether a dataset's tags may be cached: a file whose changes can be seen without reading it.</summary>
    public static bool Covers(DatasetSource source) =>
        source?.KindCase is DatasetSource.KindOneofCase.Csv or DatasetSource.KindOneofCase.Sqlite;

    /// <summary>
    /// The cached tags of <paramref name="keyColumn"/>, built first if missing, stale or past the key lifetime: one snapshot of key
    /// and tags, opened under the cache's lock, so a rebuild by a concurrent job cannot mix another key's tags into it.
    /// </summary>
    /// <exception cref="DataSourceException">The source cannot be read, or the column is not a key column.</exception>
    public async Task<CachedTags> GetAsync(DatasetStore.Entry dataset, string keyColumn, PsiSuite suite, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(suite);
        var name = FileName(dataset.Dataset.Name, keyColumn, suite.Name);
        var gate = _locks.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var manifestPath = Path.Combine(directory, name + ".json");
            var tagsPath = Path.Combine(directory, name + ".tags");
            var source = Fingerprint(dataset.Source);
            var manifest = TryLoad(manifestPath);
            if (manifest is not null && manifest.Format == Format && manifest.Dataset == dataset.Dataset.Name && manifest.Column == keyColumn && manifest.Suite == suite.Name
                && manifest.Version == dataset.Dataset.Version && manifest.Source == source
                && clock.GetUtcNow() - manifest.Created < keyLifetime
                && File.Exists(tagsPath) && new FileInfo(tagsPath).Length == manifest.SetSize * Oprf.TagSize)
            {
                return CachedTags.Open(manifest, tagsPath, built: false);
            }

            manifest = await BuildAsync(dataset, keyColumn, suite, source, tagsPath, cancellationToken);
            CrashPoint.Pass("tag-cache-written");
            OwnerOnlyFile.WriteAtomically(manifestPath, JsonSerializer.Serialize(manifest));
            return CachedTags.Open(manifest, tagsPath, built: true);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Deletes every cache of <paramref name="dataset"/> (when it is removed from the catalog).</summary>
    public void Forget(string dataset)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var path in Directory.EnumerateFiles(directory, "*.json"))
        {
            if (TryLoad(path) is { } manifest && manifest.Dataset == dataset)
            {
                File.Delete(Path.ChangeExtension(path, ".tags"));
                File.Delete(path);
            }
        }
    }

    private async Task<Manifest> BuildAsync(DatasetStore.Entry dataset, string keyColumn, PsiSuite suite, string source, string tagsPath, CancellationToken cancellationToken)
    {
        OwnerOnlyFile.CreateDirectory(directory);
        var key = suite.RandomScalar();
        var keyBytes = key.Encode();
        var keyText = Convert.ToBase64String(keyBytes);
        CryptographicOperations.ZeroMemory(keyBytes);
        using var provider = new PsiProvider(key);
        var tags = new List<UInt128>();
        var batch = new List<byte[]>(BuildBatch);
        long rows = 0, invalid = 0;
        await foreach (var (normalized, _) in KeyedRows.ReadKeysAsync(dataset, keyColumn, [], cancellationToken))
        {
            rows++;
            if (normalized is null)
            {
                invalid++;
                continue;
            }

            batch.Add(KeyedRows.Encode(normalized));
            if (batch.Count == BuildBatch)
            {
                AddTags(provider, batch, tags, cancellationToken);
            }
        }

        AddTags(provider, batch, tags, cancellationToken);

        // Sorted and distinct: the order is a function of the tag set alone, so it says nothing about row order.
        var sorted = CollectionsMarshal.AsSpan(tags);
        sorted.Sort();
        var distinct = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            if (i == 0 || sorted[i] != sorted[distinct - 1])
            {
                sorted[distinct++] = sorted[i];
            }
        }

        OwnerOnlyFile.WriteAtomically(tagsPath, MemoryMarshal.AsBytes(sorted[..distinct]));
        return new Manifest(Format, dataset.Dataset.Name, keyColumn, suite.Name, dataset.Dataset.Version, source, clock.GetUtcNow(),
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), keyText,
            rows, invalid, rows - invalid - distinct, distinct);
    }

    /// <summary>Tags one batch on every core and appends the tags (as 128-bit values of their bytes).</summary>
    private static void AddTags(PsiProvider provider, List<byte[]> batch, List<UInt128> tags, CancellationToken cancellationToken)
    {
        var bytes = PsiParallel.Map(batch.Count, Oprf.TagSize, (from, count) =>
        {
            var chunk = new byte[count * Oprf.TagSize];
            provider.Tag(batch.GetRange(from, count), chunk, default);
            return chunk;
        }, cancellationToken);
        for (var i = 0; i < batch.Count; i++)
        {
            tags.Add(BinaryPrimitives.ReadUInt128LittleEndian(bytes.AsSpan(i * Oprf.TagSize, Oprf.TagSize)));
        }

        batch.Clear();
    }

    /// <summary>What identifies the source's current contents without reading them: the file's (and WAL's) length and modification time.</summary>
    private static string Fingerprint(DatasetSource source)
    {
        var path = source.KindCase == DatasetSource.KindOneofCase.Csv ? source.Csv.Path : source.Sqlite.Path;
        return string.Join(';', new[] { path, path + "-wal" }.Where(File.Exists).Select(p =>
        {
            var info = new FileInfo(p);
            return string.Create(CultureInfo.InvariantCulture, $"{info.Length}@{info.LastWriteTimeUtc.Ticks}");
        }));
    }

    private static string FileName(string dataset, string column, string suite) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dataset + "\0" + column + "\0" + suite)))[..32];

    private static Manifest? TryLoad(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path)) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A cache's description (owner-only file: it holds the OPRF key).</summary>
    internal sealed record Manifest(
        int Format, string Dataset, string Column, string Suite, string Version, string Source, DateTimeOffset Created,
        string KeyId, string Key, long Rows, long Invalid, long Duplicates, long SetSize);
}

/// <summary>One cache in use: the provider under its key, the set's sizes and the tag file, held open since it was checked.</summary>
public sealed class CachedTags : IDisposable
{
    private readonly ProviderTagCache.Manifest _manifest;
    private readonly FileStream _file;

    private CachedTags(ProviderTagCache.Manifest manifest, FileStream file, bool built)
    {
        _manifest = manifest;
        _file = file;
        Built = built;
    }

    /// <summary>Whether this job built the cache (rather than finding it).</summary>
    public bool Built { get; }

    /// <summary>The distinct valid keys.</summary>
    public long SetSize => _manifest.SetSize;

    /// <summary>The key's public identifier, for audit records (rotation is visible there).</summary>
    public string KeyId => _manifest.KeyId;

    /// <summary>Opens the tag file of <paramref name="manifest"/>; a later atomic replacement of the file leaves this handle on these tags.</summary>
    internal static CachedTags Open(ProviderTagCache.Manifest manifest, string path, bool built) =>
        new(manifest, new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, useAsync: true), built);

    /// <summary>A provider holding the cache's OPRF key (the caller disposes it).</summary>
    public PsiProvider CreateProvider()
    {
        var bytes = Convert.FromBase64String(_manifest.Key);
        try
        {
            var suite = PsiSuite.Find(_manifest.Suite) ?? throw new InvalidDataException($"The tag cache names an unknown suite '{_manifest.Suite}'.");
            return new PsiProvider(suite.DecodeScalar(bytes));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Sizes for the audit record, as <see cref="KeyedRows.Sizes"/> gives them.</summary>
    public Dictionary<string, string> Sizes(string prefix) =>
        KeyedRows.SizesOf(prefix, _manifest.Rows, _manifest.Invalid, _manifest.Duplicates, _manifest.SetSize);

    /// <summary>The tags in file order, <paramref name="tagsPerBatch"/> at a time (once per instance).</summary>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(int tagsPerBatch, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[tagsPerBatch * Oprf.TagSize];
        int read;
        while ((read = await _file.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken)) > 0)
        {
            yield return buffer.AsMemory(0, read - (read % Oprf.TagSize));
        }
    }

    public void Dispose() => _file.Dispose();
}
