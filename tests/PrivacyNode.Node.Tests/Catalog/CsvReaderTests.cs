using System.Text;
using PrivacyNode.Node.Catalog;

namespace PrivacyNode.Node.Tests.Catalog;

public sealed class CsvReaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pn-csv-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Rfc4180_QuotesEscapesCrlfAndMultilineFields()
    {
        var rows = await ReadAsync("\uFEFFname,note\r\n\"Li, Na\",\"said \"\"hi\"\"\"\r\nWang,\"two\nlines\"\r\n\r\nZhao,\n");
        Assert.Equal(["name", "note"], rows[0]);
        Assert.Equal(["Li, Na", "said \"hi\""], rows[1]);
        Assert.Equal(["Wang", "two\nlines"], rows[2]);
        Assert.Equal(["Zhao", ""], rows[3]);
    }

    [Fact]
    public async Task FieldsAcrossReadBuffers_AreWhole()
    {
        // Fields of every length up to 200 000 characters (past the 64 Ki-character buffer), unquoted and quoted, end anywhere in it.
        var fields = Enumerable.Range(0, 60).Select(i => new string((char)('a' + (i % 26)), (i * 3371) % 200_000)).ToList();
        var content = new StringBuilder("u,q\n");
        foreach (var field in fields)
        {
            content.Append(field).Append(",\"").Append(field).Append("\"\"\"\r\n");
        }

        var rows = await ReadAsync(content.ToString());

        Assert.Equal(fields.Select(f => new[] { f, f + "\"" }), rows.Skip(1));
    }

    /// <summary>
    /// Random records written the way CSV writers do (quoted when needed or at random, any line ending, blank lines
    /// between records) read back the same: plain lines take the reader's buffered fast path, the rest its general one.
    /// </summary>
    [Fact]
    public async Task RandomRecords_RoundTripThroughEitherPath()
    {
        var random = new Random(20261207);
        string[] pieces = ["a", "bc", "常州", ",", "\"", "\n", "\r", " ", ""];
        string[] endings = ["\n", "\r\n", "\r"];
        for (var round = 0; round < 50; round++)
        {
            var width = random.Next(1, 5);
            var records = Enumerable.Range(0, random.Next(1, 40))
                .Select(_ => Enumerable.Range(0, width).Select(_ => string.Concat(Enumerable.Range(0, random.Next(0, 4)).Select(_ => pieces[random.Next(pieces.Length)]))).ToArray())
                .Prepend([.. Enumerable.Range(0, width).Select(i => $"c{i}")])
                .ToList();
            var content = new StringBuilder();
            foreach (var record in records)
            {
                if (record.All(f => f.Length == 0) && width == 1)
                {
                    record[0] = "x"; // a lone empty field is a blank line, which readers skip
                }

                content.AppendJoin(',', record.Select(f => f.AsSpan().IndexOfAny(",\"\r\n") >= 0 || random.Next(8) == 0 ? $"\"{f.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : f));
                content.Append(endings[random.Next(endings.Length)]);
                if (random.Next(10) == 0)
                {
                    content.Append('\n');
                }
            }

            Assert.Equal(records, await ReadAsync(content.ToString()));
        }
    }

    [Fact]
    public async Task Gb18030_IsDecoded()
    {
        var path = Path.Combine(_directory, "gb.csv");
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        await File.WriteAllBytesAsync(path, Encoding.GetEncoding("GB18030").GetBytes("姓名,城市\n张三,常州\n"));
        var rows = await ReadAsync(path, "gb18030");
        Assert.Equal(["姓名", "城市"], rows[0]);
        Assert.Equal(["张三", "常州"], rows[1]);
    }

    [Theory]
    [InlineData("a,b\n1,2,3\n", "line 2: 3 fields, but the header has 2")]
    [InlineData("a,b\n1\n", "line 2: 1 fields")]
    [InlineData("a,b\n\"open,2\n", "not closed")]
    [InlineData("a,b\n\"x\"y,2\n", "after a closing quote")]
    [InlineData("a,b\nx\"y,2\n", "quote inside an unquoted field")]
    [InlineData("a,a\n1,2\n", "appears twice")]
    [InlineData("", "empty")]
    public async Task Malformed_IsAPreciseError(string content, string message)
    {
        var ex = await Assert.ThrowsAsync<DataSourceException>(() => ReadAsync(content));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidUtf8_IsRejectedNotReplaced()
    {
        var path = Path.Combine(_directory, "bad.csv");
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = Encoding.ASCII.GetBytes("name\n").Concat(Encoding.GetEncoding("GB18030").GetBytes("张三")).Append((byte)'\n').ToArray();
        await File.WriteAllBytesAsync(path, bytes);
        var ex = await Assert.ThrowsAsync<DataSourceException>(() => ReadAsync(path, "utf-8"));
        Assert.Contains("not valid in the declared encoding", ex.Message, StringComparison.Ordinal);
    }

    private async Task<List<string[]>> ReadAsync(string contentOrPath, string? encoding = null)
    {
        var path = contentOrPath;
        if (!File.Exists(contentOrPath))
        {
            path = Path.Combine(_directory, $"{Guid.NewGuid():N}.csv");
            await File.WriteAllTextAsync(path, contentOrPath, new UTF8Encoding(false));
        }

        await using var reader = await CsvReader.OpenAsync(path, encoding, CancellationToken.None);
        var rows = new List<string[]> { reader.Columns.ToArray() };
        while (await reader.ReadAsync(CancellationToken.None))
        {
            rows.Add([.. reader.Current]);
        }

        return rows;
    }
}
