using System.Security.Cryptography;
using PrivacyNode.Crypto.Vole;

namespace PrivacyNode.Crypto.Tests.Vole;

/// <summary>
/// RB-OKVS: every key decodes to its value at sizes from 0 up, the free columns are random (two encodings of one set differ), and a
/// set whose rows are dependent (a repeated key) is reported as a failure rather than encoded wrongly.
/// </summary>
public sealed class BandOkvsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(1000)]
    [InlineData(40_000)]
    public void Encode_DecodesEveryKeyToItsValue(int count)
    {
        var size = BandOkvs.Size(count);
        var (rows, values) = RandomRows(count, size);
        Assert.True(BandOkvs.TryEncode(rows, values, size, out var store));
        Assert.Equal(size, store.Length);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(values[i], BandOkvs.Decode(store, rows[i]));
        }

        Assert.True(BandOkvs.TryEncode(rows, values, size, out var again));
        Assert.NotEqual(store, again);
    }

    [Fact]
    public void Encode_ReportsDependentRows()
    {
        var size = BandOkvs.Size(100);
        var (rows, values) = RandomRows(100, size);
        rows[7] = rows[3];
        values[7] = values[3] ^ 1;
        Assert.False(BandOkvs.TryEncode(rows, values, size, out _));
    }

    [Fact]
    public void Encode_NeverFailsOverManyRandomSets()
    {
        // The stated failure rate is below 2^-40; 200 sets of 4096 keys (and rows ending at the last column) must all encode.
        for (var trial = 0; trial < 200; trial++)
        {
            var size = BandOkvs.Size(4096);
            var (rows, values) = RandomRows(4096, size);
            Assert.True(BandOkvs.TryEncode(rows, values, size, out _));
        }
    }

    [Fact]
    public void Band_ShiftsAcrossWords()
    {
        var band = new Band(0x8000_0000_0000_0001UL, 2, 4, 0x8000_0000_0000_0000UL);
        var shifted = band.ShiftRight(63);
        Assert.Equal(1UL | (2UL << 1), shifted.W0);
        Assert.Equal(4UL << 1, shifted.W1);
        Assert.Equal(0UL, shifted.W2);
        Assert.Equal(1UL, shifted.W3);
        Assert.Equal(new Band(1, 0, 0, 0), band.ShiftRight(255));
        Assert.Equal(64 + 1, new Band(0, 2, 0, 0).TrailingZeroCount());
        Assert.True(band.Bit(255));
        Assert.False(band.Bit(254));
    }

    internal static (OkvsRow[] Rows, UInt128[] Values) RandomRows(int count, int size)
    {
        var rows = new OkvsRow[count];
        var values = new UInt128[count];
        for (var i = 0; i < count; i++)
        {
            var hash = RandomNumberGenerator.GetBytes(56);
            rows[i] = BandOkvs.Row(hash, size);
            values[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(hash.AsSpan(40));
        }

        return (rows, values);
    }
}
