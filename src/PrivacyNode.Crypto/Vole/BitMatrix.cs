namespace PrivacyNode.Crypto.Vole;

/// <summary>Transposition of bit matrices 128 rows at a time: how OT extension turns 128 columns of n bits into n rows of 128 bits.</summary>
internal static class BitMatrix
{
    /// <summary>The masks of Eklundh's swaps, by level: the bits c with c &amp; w = 0 for w = 64, 32, …, 1.</summary>
    private static readonly UInt128[] Masks =
    [
        new(0, ulong.MaxValue),
        new(0x0000_0000_FFFF_FFFFUL, 0x0000_0000_FFFF_FFFFUL),
        new(0x0000_FFFF_0000_FFFFUL, 0x0000_FFFF_0000_FFFFUL),
        new(0x00FF_00FF_00FF_00FFUL, 0x00FF_00FF_00FF_00FFUL),
        new(0x0F0F_0F0F_0F0F_0F0FUL, 0x0F0F_0F0F_0F0F_0F0FUL),
        new(0x3333_3333_3333_3333UL, 0x3333_3333_3333_3333UL),
        new(0x5555_5555_5555_5555UL, 0x5555_5555_5555_5555UL),
    ];

    /// <summary>Transposes a 128 × 128 bit matrix in place: bit c of row r becomes bit r of row c.</summary>
    public static void Transpose128(Span<UInt128> rows)
    {
        if (rows.Length != 128)
        {
            throw new ArgumentException("A block has 128 rows.", nameof(rows));
        }

        // Eklundh: at each scale w, swap the upper-right and lower-left w × w blocks of every 2w × 2w block.
        for (var level = 0; level < Masks.Length; level++)
        {
            var width = 64 >> level;
            var mask = Masks[level];
            for (var r = 0; r < 128; r++)
            {
                if ((r & width) != 0)
                {
                    continue;
                }

                var swap = ((rows[r] >> width) ^ rows[r + width]) & mask;
                rows[r + width] ^= swap;
                rows[r] ^= swap << width;
            }
        }
    }

    /// <summary>
    /// Rows of the matrix whose 128 columns lie one after another in <paramref name="columns"/> (column j is bytes
    /// [j·n/8, (j+1)·n/8), bit i of a column being bit i mod 8 of its byte i / 8): row i holds bit i of column j as its bit j.
    /// </summary>
    public static UInt128[] ColumnsToRows(ReadOnlySpan<byte> columns, int rowCount)
    {
        if (rowCount % 128 != 0 || columns.Length != rowCount * 16)
        {
            throw new ArgumentException("128 columns of a multiple of 128 bits are needed.", nameof(columns));
        }

        var columnBytes = rowCount / 8;
        var rows = new UInt128[rowCount];
        for (var block = 0; block < rowCount / 128; block++)
        {
            var chunk = rows.AsSpan(block * 128, 128);
            for (var j = 0; j < 128; j++)
            {
                chunk[j] = System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(columns.Slice((j * columnBytes) + (block * 16), 16));
            }

            Transpose128(chunk);
        }

        return rows;
    }
}
