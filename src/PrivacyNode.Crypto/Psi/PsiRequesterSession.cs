namespace PrivacyNode.Crypto.Psi;

/// <summary>
/// The requester's side of one OPRF-based PSI exchange (docs/protocols/psi.md), bytes in and bytes out: its keys blinded batch by
/// batch, the provider's evaluations unblinded in the order the keys went out (or in any order, for psi-count's shuffle) into
/// match tags and payload keys, the provider's tags matched (and, with payloads, its sealed rows opened), and every count the
/// protocol fixes checked: no more evaluations than keys sent, whole elements and tags, as many tags as the provider announced.
/// </summary>
/// <remarks>
/// <see cref="NextBlinded"/> may run on one thread while <see cref="AcceptEvaluated"/> runs on another; otherwise one call at a
/// time. Dispose to zero the blinding scalars and payload keys.
/// </remarks>
public sealed class PsiRequesterSession : IDisposable
{
    private readonly PsiRequester _requester;
    private readonly IReadOnlyList<byte[]> _keys;
    private readonly TagMatches _matches;
    private int _blinded;
    private int _evaluated;

    /// <summary>A session over <paramref name="keys"/> (normalized key bytes, one per distinct key) in <paramref name="suite"/>.</summary>
    /// <param name="suite">The suite of the job.</param>
    /// <param name="keys">The requester's distinct keys; a match is reported by its index here.</param>
    /// <param name="withPayloads">Whether the provider's tags come with sealed rows to open (psi-payload).</param>
    public PsiRequesterSession(PsiSuite suite, IReadOnlyList<byte[]> keys, bool withPayloads)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(keys);
        _requester = new PsiRequester(suite);
        _keys = keys;
        _matches = new TagMatches(keys.Count, suite.Open, withPayloads);
    }

    /// <summary>The suite of the job.</summary>
    public PsiSuite Suite => _requester.Suite;

    /// <summary>How many keys the session matches.</summary>
    public int KeyCount => _keys.Count;

    /// <summary>How many evaluations have been unblinded.</summary>
    public int Evaluated => Volatile.Read(ref _evaluated);

    /// <summary>How many of the provider's tags matched so far.</summary>
    public int MatchCount => _matches.Count;

    /// <summary>The next at most <paramref name="maxBatch"/> keys blinded and concatenated, or null once every key went out.</summary>
    public byte[]? NextBlinded(int maxBatch, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        var start = _blinded;
        if (start >= _keys.Count)
        {
            return null;
        }

        var count = Math.Min(maxBatch, _keys.Count - start);
        _blinded = start + count;
        return PsiParallel.Map(count, Suite.ElementSize, (from, length) => _requester.Blind(Slice(start + from, length)), cancellationToken);
    }

    /// <summary>Unblinds the next evaluations into tags for the keys they answer, in the order the keys were sent.</summary>
    /// <exception cref="PsiProtocolException">Not whole elements, more evaluations than keys sent, or an invalid element.</exception>
    public void AcceptEvaluated(ReadOnlyMemory<byte> evaluated, CancellationToken cancellationToken = default)
    {
        var size = Suite.ElementSize;
        var count = evaluated.Length / size;
        var offset = _evaluated;
        if (evaluated.Length % size != 0 || offset + count > _keys.Count)
        {
            throw new PsiProtocolException("The provider returned more evaluations than keys were sent.");
        }

        var tags = PsiParallel.Map(count, Oprf.TagSize, (from, length) => _requester.Finalize(
            evaluated.Span.Slice(from * size, length * size),
            _matches.PayloadKeys.Length == 0 ? default : _matches.PayloadKeys.AsSpan((offset + from) * Oprf.PayloadKeySize, length * Oprf.PayloadKeySize)), cancellationToken);
        for (var i = 0; i < count; i++)
        {
            _matches.Add(tags.AsSpan(i * Oprf.TagSize, Oprf.TagSize), offset + i);
        }

        Volatile.Write(ref _evaluated, offset + count);
    }

    /// <summary>Whether <paramref name="tag"/> is the tag of one of this session's keys, and which.</summary>
    public bool TryMatch(ReadOnlySpan<byte> tag, out int index) => _matches.TryMatch(tag, out index);

    /// <summary>
    /// Matches one message of the provider's tags; with payloads, opens the sealed row of each match (<paramref name="sealedRows"/>
    /// holds one per tag).
    /// </summary>
    /// <exception cref="PsiProtocolException">Tags before every evaluation arrived, not whole tags, rows missing, or a row that does not open.</exception>
    public void AcceptProviderTags(ReadOnlySpan<byte> tags, IReadOnlyList<ReadOnlyMemory<byte>> sealedRows)
    {
        if (_evaluated != _keys.Count)
        {
            throw new PsiProtocolException($"The provider sent its tags after {_evaluated} of {_keys.Count} evaluations.");
        }

        _matches.Accept(tags, sealedRows);
    }

    /// <summary>
    /// Ends the matching: the matched keys' indexes in order, each with its opened row (empty without payloads). Zeroes the payload keys.
    /// </summary>
    /// <exception cref="PsiProtocolException">The provider sent another number of tags than the <paramref name="announced"/> size of its set.</exception>
    public IReadOnlyDictionary<int, byte[]> Finish(ulong announced) => _matches.Finish(announced);

    /// <summary>Zeroes the blinding scalars and the payload keys.</summary>
    public void Dispose()
    {
        _requester.Dispose();
        _matches.Dispose();
    }

    private List<byte[]> Slice(int start, int count)
    {
        var slice = new List<byte[]>(count);
        for (var i = start; i < start + count; i++)
        {
            slice.Add(_keys[i]);
        }

        return slice;
    }
}
