using System.Runtime.ExceptionServices;
using System.Security.Cryptography;

namespace PrivacyNode.Crypto.Psi;

/// <summary>
/// The requester's side of the last step of every PSI suite: its own match tags (each with its key's index) and payload keys, the
/// provider's tags matched against them, the sealed rows of matches opened, and the provider's tags counted against its announced size.
/// </summary>
internal sealed class TagMatches(int keyCount, Func<ReadOnlySpan<byte>, ReadOnlySpan<byte>, ReadOnlySpan<byte>, byte[]> open, bool withPayloads) : IDisposable
{
    private readonly TagIndex _tags = new(keyCount);
    private readonly byte[]?[] _matched = new byte[keyCount][];
    private int _count;
    private long _providerTags;

    /// <summary>The payload keys, <see cref="Oprf.PayloadKeySize"/> bytes per key in key order (empty without payloads).</summary>
    public byte[] PayloadKeys { get; } = withPayloads ? new byte[keyCount * Oprf.PayloadKeySize] : [];

    /// <summary>How many of the provider's tags matched so far.</summary>
    public int Count => _count;

    /// <summary>Records the tag of key <paramref name="index"/>.</summary>
    public void Add(ReadOnlySpan<byte> tag, int index) => _tags.Add(tag, index);

    /// <summary>Whether <paramref name="tag"/> is the tag of one of the keys, and which.</summary>
    public bool TryMatch(ReadOnlySpan<byte> tag, out int index) => _tags.TryGet(tag, out index);

    /// <summary>Matches one message of the provider's tags; with payloads, opens the sealed row of each match (one per tag).</summary>
    /// <exception cref="PsiProtocolException">Not whole tags, rows missing, or a row that does not open.</exception>
    public void Accept(ReadOnlySpan<byte> tags, IReadOnlyList<ReadOnlyMemory<byte>> sealedRows)
    {
        ArgumentNullException.ThrowIfNull(sealedRows);
        var count = tags.Length / Oprf.TagSize;
        if (tags.Length % Oprf.TagSize != 0 || (withPayloads ? sealedRows.Count != count : sealedRows.Count != 0))
        {
            throw new PsiProtocolException("A tags message holds whole tags and, for psi-payload, one sealed row per tag.");
        }

        _providerTags += count;
        var found = new List<(int Index, int Position)>();
        for (var i = 0; i < count; i++)
        {
            if (_tags.TryGet(tags.Slice(i * Oprf.TagSize, Oprf.TagSize), out var index))
            {
                found.Add((index, i));
            }
        }

        // The matches' rows are opened on every core: one AES-GCM context per row is most of a payload job's requester time.
        var opened = new byte[found.Count][];
        if (withPayloads && found.Count > 0)
        {
            var tagBytes = tags.ToArray();
            try
            {
                Parallel.For(0, found.Count, k =>
                {
                    var (index, position) = found[k];
                    opened[k] = open(PayloadKeys.AsSpan(index * Oprf.PayloadKeySize, Oprf.PayloadKeySize), tagBytes.AsSpan(position * Oprf.TagSize, Oprf.TagSize), sealedRows[position].Span);
                });
            }
            catch (AggregateException ex)
            {
                ExceptionDispatchInfo.Throw(ex.InnerExceptions[0]);
            }
        }

        for (var k = 0; k < found.Count; k++)
        {
            var index = found[k].Index;
            _count += _matched[index] is null ? 1 : 0;
            _matched[index] = withPayloads ? opened[k] : [];
        }
    }

    /// <summary>The matched keys' indexes in order, each with its opened row (empty without payloads). Zeroes the payload keys.</summary>
    /// <exception cref="PsiProtocolException">The provider sent another number of tags than the <paramref name="announced"/> size of its set.</exception>
    public IReadOnlyDictionary<int, byte[]> Finish(ulong announced)
    {
        CryptographicOperations.ZeroMemory(PayloadKeys);
        if (_providerTags != (long)announced)
        {
            throw new PsiProtocolException($"The provider announced {announced} keys but sent {_providerTags} tags.");
        }

        var matches = new SortedList<int, byte[]>(_count);
        for (var index = 0; index < _matched.Length; index++)
        {
            if (_matched[index] is { } row)
            {
                matches.Add(index, row);
            }
        }

        return matches;
    }

    /// <summary>Zeroes the payload keys.</summary>
    public void Dispose() => CryptographicOperations.ZeroMemory(PayloadKeys);
}
