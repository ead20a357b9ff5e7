using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Catalog;

namespace PrivacyNode.Node.Tests.Catalog;

/// <summary>The dataset version is the SHA-256 of its documented byte stream, whatever the field sizes and the buffering.</summary>
public sealed class DatasetProfileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pn-profile-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Version_IsTheSha256OfEachRowsLengthPrefixedFields()
    {
        // Multi-byte text, empty fields, enough rows to fill the digest's buffer several times, and one field longer than it.
        string[][] rows =
        [
            ["name", "city", "note"],
            .. Enumerable.Range(0, 20_000).Select(i => new[] { $"k{i}", i % 3 == 0 ? "常州" : "", new string('x', i % 17) }),
            ["long", "常州", new string('y', 100_000)],
            ["last", "", ""],
        ];
        var csv = Path.Combine(_directory, "rows.csv");
        await File.WriteAllLinesAsync(csv, rows.Select(r => string.Join(',', r)));
        var dataset = new Dataset { Name = "names", KeyColumns = { new KeyColumn { Column = "name", KeyType = "text" } } };

        await DatasetProfile.ProfileAsync(new DatasetSource { Csv = new CsvSource { Path = csv } }, dataset, CancellationToken.None);

        using var expected = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var row in rows)
        {
            foreach (var field in row)
            {
                var bytes = Encoding.UTF8.GetBytes(field);
                var length = new byte[4];
                BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
                expected.AppendData(length);
                expected.AppendData(bytes);
            }

            expected.AppendData("\n"u8);
        }

        Assert.Equal("sha256:" + Convert.ToHexStringLower(expected.GetHashAndReset()), dataset.Version);
        Assert.Equal(rows.Length - 1, dataset.RowCount);
    }
}
