using PrivacyNode.Crypto.Aggregate;
using PrivacyNode.Node.Catalog;

namespace PrivacyNode.Node.Kinds.HeAggregate;

/// <summary>
/// One provider's data for an he-aggregate job: per group, the row count and Σ (v − low) of the value column, read
/// in one streaming pass. Memory is one count and one sum per group, whatever the dataset's size.
/// </summary>
public sealed class GroupTotals
{
    /// <summary>Rows one group may hold at one provider.</summary>
    public const long MaxRowsPerGroup = (1L << HeAggregateParameters.MaxRowsBits) - 1;

    private GroupTotals(long[] counts, UInt128[] offsetSums, long rows)
    {
        Counts = counts;
        OffsetSums = offsetSums;
        Rows = rows;
    }

    /// <summary>Per group (in the job's order), the rows in it.</summary>
    public IReadOnlyList<long> Counts { get; }

    /// <summary>Per group, Σ (v − low) over its rows.</summary>
    public IReadOnlyList<UInt128> OffsetSums { get; }

    /// <summary>Rows read.</summary>
    public long Rows { get; }

    /// <summary>
    /// Sums <paramref name="columns"/> (the value column, then the group-by column if the job groups) of <paramref name="dataset"/>.
    /// </summary>
    /// <exception cref="DataSourceException">The source cannot be read, or a column is not there.</exception>
    /// <remarks>A row whose group code is outside the domain counts in <see cref="HeAggregateSpec.Other"/>.</remarks>
    /// <exception cref="InvalidDataException">
    /// A row's value is not a decimal in the declared range, or a group has more than <see cref="MaxRowsPerGroup"/> rows. The message
    /// names the row, never a value; it is for this node's audit log only.
    /// </exception>
    public static async Task<GroupTotals> ReadAsync(DatasetStore.Entry dataset, HeAggregateSpec job, IReadOnlyList<string> columns, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(columns);
        await using var reader = await DataSources.OpenAsync(dataset.Source, cancellationToken);
        var valueIndex = IndexOf(columns[0]);
        var groupIndex = job.Grouped ? IndexOf(columns[1]) : -1;
        var slots = job.Groups.SkipLast(job.Grouped ? 1 : 0).Select((code, slot) => (code, slot)).ToDictionary(g => g.code, g => g.slot, StringComparer.Ordinal);
        var range = job.Range;
        var counts = new long[job.Groups.Count];
        var sums = new UInt128[job.Groups.Count];
        long rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            rows++;
            var fields = reader.Current;
            var slot = 0;
            if (groupIndex >= 0 && !slots.TryGetValue(fields[groupIndex].Trim(), out slot))
            {
                slot = job.OtherSlot!.Value;
            }

            if (!range.TryRead(fields[valueIndex], out var value))
            {
                throw new InvalidDataException($"Row {rows} of column '{columns[0]}' is not a decimal of at most {range.Scale} places in [{range.Format(range.Low)}, {range.Format(range.High)}].");
            }

            if (++counts[slot] > MaxRowsPerGroup)
            {
                throw new InvalidDataException($"Group '{job.Groups[slot]}' holds more than {MaxRowsPerGroup} rows here; he-aggregate sums at most that many per group and provider.");
            }

            sums[slot] += (ulong)(value - range.Low);
        }

        return new GroupTotals(counts, sums, rows);

        int IndexOf(string column)
        {
            var index = reader.Columns.ToList().IndexOf(column);
            return index >= 0 ? index : throw new DataSourceException($"Column '{column}' is not in dataset '{dataset.Dataset.Name}'; its columns are: {string.Join(", ", reader.Columns)}.");
        }
    }
}
