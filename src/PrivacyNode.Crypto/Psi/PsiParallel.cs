using System.Runtime.ExceptionServices;

namespace PrivacyNode.Crypto.Psi;

/// <summary>Runs a per-element PSI step over a batch on every core, keeping the batch's order.</summary>
public static class PsiParallel
{
    private const int MinChunk = 64;

    /// <summary>
    /// Splits <paramref name="count"/> elements into chunks, computes each with <paramref name="compute"/>(start, length)
    /// (returning length·<paramref name="outputSize"/> bytes) in parallel, and concatenates the results in order.
    /// An exception from <paramref name="compute"/> is rethrown as itself, not wrapped in an AggregateException.
    /// </summary>
    public static byte[] Map(int count, int outputSize, Func<int, int, byte[]> compute, CancellationToken cancellationToken)
    {
        var output = new byte[count * outputSize];
        var chunk = Math.Max(MinChunk, (count + (4 * Environment.ProcessorCount) - 1) / (4 * Environment.ProcessorCount));
        var chunks = (count + chunk - 1) / chunk;
        try
        {
            Parallel.For(0, chunks, new ParallelOptions { CancellationToken = cancellationToken }, c =>
            {
                var start = c * chunk;
                var length = Math.Min(chunk, count - start);
                compute(start, length).CopyTo(output, start * outputSize);
            });
        }
        catch (AggregateException ex)
        {
            ExceptionDispatchInfo.Throw(ex.InnerExceptions[0]);
        }

        return output;
    }
}
