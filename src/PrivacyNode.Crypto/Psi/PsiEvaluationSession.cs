namespace PrivacyNode.Crypto.Psi;

/// <summary>
/// The provider's evaluation of a requester's blinded keys in one PSI exchange (docs/protocols/psi.md), bytes in and bytes out,
/// with the counts the protocol fixes: whole elements, at most <see cref="MaxBatch"/> a batch, no more than the requester set size
/// the job was admitted for, and exactly that many in all when the requester says it is done. In requester order each batch goes
/// straight back; shuffled (psi-count, psi-sum), the evaluations are held and come back in a random order at the end, so the
/// requester cannot tell which of its keys matched.
/// </summary>
/// <remarks>One call at a time. The provider's key belongs to the caller.</remarks>
public sealed class PsiEvaluationSession(PsiProvider provider, long admitted, int maxBatch, bool shuffle)
{
    private readonly MemoryStream? _held = shuffle ? new MemoryStream() : null;
    private long _received;

    /// <summary>The most elements one batch may hold.</summary>
    public int MaxBatch => maxBatch;

    /// <summary>Evaluates one batch of blinded keys: the evaluations to send now, or null while they are held for the shuffle.</summary>
    /// <exception cref="PsiProtocolException">Not whole elements, too many in the batch or in all, or an invalid element.</exception>
    public byte[]? Evaluate(ReadOnlyMemory<byte> blinded, CancellationToken cancellationToken = default)
    {
        var size = provider.Suite.ElementSize;
        var count = blinded.Length / size;
        if (blinded.Length % size != 0 || count > maxBatch || _received + count > admitted)
        {
            throw new PsiProtocolException($"A blinded batch holds whole elements, at most {maxBatch}, and no more than the {admitted} admitted in all.");
        }

        _received += count;
        var evaluated = PsiParallel.Map(count, size, (start, length) => provider.Evaluate(blinded.Span.Slice(start * size, length * size)), cancellationToken);
        if (_held is null)
        {
            return evaluated;
        }

        _held.Write(evaluated);
        return null;
    }

    /// <summary>
    /// Ends the evaluation when the requester declares <paramref name="declared"/> keys sent: the held evaluations, shuffled, in
    /// batches of at most <see cref="MaxBatch"/> (none in requester order).
    /// </summary>
    /// <exception cref="PsiProtocolException">The declared, received and admitted counts differ.</exception>
    public IReadOnlyList<ReadOnlyMemory<byte>> Finish(ulong declared)
    {
        if ((long)declared != _received || _received != admitted)
        {
            throw new PsiProtocolException($"{_received} blinded keys arrived; the job was admitted for {admitted}.");
        }

        if (_held is null)
        {
            return [];
        }

        var size = provider.Suite.ElementSize;
        var all = _held.GetBuffer().AsMemory(0, (int)_held.Length);
        RandomOrder.Shuffle(all.Span, size);
        var batches = new List<ReadOnlyMemory<byte>>();
        for (var offset = 0; offset < all.Length; offset += maxBatch * size)
        {
            batches.Add(all.Slice(offset, Math.Min(maxBatch * size, all.Length - offset)));
        }

        return batches;
    }
}
