using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Catalog;

namespace PrivacyNode.Node.Tests.Catalog;

/// <summary>
/// The packed distinct keys of a dataset against a plaintext model (a dictionary of first rows): every distinct key once, in first-seen
/// order, with all its rows and its first row's extra values, across many pages and rehashes.
/// </summary>
public sealed class KeyedRowsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pn-keyed-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Read_MatchesAModelOfDistinctKeysAndTheirRows()
    {
        // 120,000 rows over 70,000 keys of up to 40 characters (several 1 MiB pages), repeats far apart, and some invalid rows.
        var lines = new List<string> { "name,amount" };
        for (var i = 0; i < 120_000; i++)
        {
            var key = i % 997 == 0 ? "" : $"k{i % 70_000}-{new string('x', i % 70_000 % 31)}";
            lines.Add($"{key},{i}");
        }

        var rows = await ReadAsync(lines, ["amount"]);

        var model = new Dictionary<string, List<long>>();
        var order = new List<string>();
        for (var row = 1; row < lines.Count; row++)
        {
            var key = lines[row].Split(',')[0];
            if (key.Length == 0)
            {
                continue;
            }

            if (!model.TryGetValue(key, out var numbers))
            {
                model[key] = numbers = [];
                order.Add(key);
            }

            numbers.Add(row);
        }

        Assert.Equal(120_000, rows.Rows);
        Assert.Equal(lines.Skip(1).Count(l => l.StartsWith(',')), rows.Invalid);
        Assert.Equal(order.Count, rows.Count);
        Assert.Equal(model.Values.Sum(r => r.Count - 1), rows.Duplicates);
        for (var i = 0; i < order.Count; i++)
        {
            Assert.Equal(order[i], rows.Key(i));
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(order[i]), rows.Keys[i].ToArray());
            Assert.Equal(model[order[i]], rows.RowsOf(i));
            Assert.Equal(model[order[i]][0], rows.FirstRow(i));
            Assert.Equal([(model[order[i]][0] - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)], rows.Extra(i));
        }
    }

    [Fact]
    public async Task Read_WithoutExtraColumns_GivesNoExtraValues()
    {
        var rows = await ReadAsync(["name,amount", "a,1", "b,2", "a,3"], []);

        Assert.Equal(["a", "b"], Enumerable.Range(0, rows.Count).Select(rows.Key));
        Assert.Empty(rows.Extra(0));
        Assert.Equal([1L, 3L], rows.RowsOf(0));
    }

    private async Task<KeyedRows> ReadAsync(IEnumerable<string> lines, IReadOnlyList<string> extra)
    {
        var csv = Path.Combine(_directory, $"{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(csv, lines);
        var dataset = new Dataset { Name = "names", Version = "v1", KeyColumns = { new KeyColumn { Column = "name", KeyType = "text" } } };
        return await KeyedRows.ReadAsync(new DatasetStore.Entry(dataset, new DatasetSource { Csv = new CsvSource { Path = csv } }), "name", extra, CancellationToken.None);
    }
}
