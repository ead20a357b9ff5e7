using System.Buffers.Binary;
using PrivacyNode.Crypto.Blocks;

namespace PrivacyNode.Crypto.Vole;

/// <summary>
/// Correlated OT extension of Ishai, Kilian, Nissim and Petrank ("Extending Oblivious Transfers Efficiently", CRYPTO 2003), semi-honest,
/// from 128 base OTs with the roles swapped: the extension sender is the base-OT receiver with choices Δ. For n OTs the receiver
/// with choices r expands each base key pair into columns t^j = G(k_j^0) and sends u^j = t^j ⊕ G(k_j^1) ⊕ r; the sender forms
/// q^j = G(k_j^{Δ_j}) ⊕ Δ_j·u^j = t^j ⊕ Δ_j·r. Transposed, row i gives q_i = t_i ⊕ r_i·Δ: a correlated OT with global Δ.
/// G is AES-128 in counter mode under the base key (<see cref="AesPrg"/>), continued across extensions so that no output repeats.
/// </summary>
public static class OtExtension
{
    /// <summary>The number of base OTs and the bits of Δ.</summary>
    public const int BaseCount = 128;

    /// <summary>The OTs an extension of <paramref name="count"/> really produces: a multiple of 128.</summary>
    public static int Padded(int count) => (count + 127) / 128 * 128;

    /// <summary>Bytes of the receiver's message for <paramref name="count"/> OTs.</summary>
    public static int MessageSize(int count) => Padded(count) * BaseCount / 8;
}

/// <summary>The receiver of OT extension: holds both keys of each base OT, chooses bits, learns t_i = q_i ⊕ r_i·Δ.</summary>
/// <remarks>One extension at a time. Dispose to zero the PRG keys.</remarks>
public sealed class OtExtensionReceiver : IDisposable
{
    private readonly AesPrg[] _zero;
    private readonly AesPrg[] _one;
    private ulong _nextBlock;

    /// <summary>A receiver over the base-OT sender's keys (128 pairs).</summary>
    public OtExtensionReceiver(IReadOnlyList<byte[]> zero, IReadOnlyList<byte[]> one)
    {
        ArgumentNullException.ThrowIfNull(zero);
        ArgumentNullException.ThrowIfNull(one);
        if (zero.Count != OtExtension.BaseCount || one.Count != OtExtension.BaseCount)
        {
            throw new ArgumentException($"OT extension runs on {OtExtension.BaseCount} base OTs.", nameof(zero));
        }

        _zero = [.. zero.Select(k => new AesPrg(k))];
        _one = [.. one.Select(k => new AesPrg(k))];
    }

    /// <summary>Extends to one OT per choice bit: the message u for the sender, and t_i for each OT (padded to a multiple of 128).</summary>
    public (byte[] Message, UInt128[] Rows) Extend(IReadOnlyList<bool> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var padded = OtExtension.Padded(choices.Count);
        var columnBytes = padded / 8;
        var packed = new byte[columnBytes];
        for (var i = 0; i < choices.Count; i++)
        {
            packed[i >> 3] |= (byte)((choices[i] ? 1 : 0) << (i & 7));
        }

        var columns = new byte[padded * 16];
        var message = new byte[padded * 16];
        var first = _nextBlock;
        _nextBlock += (ulong)(columnBytes / 16);
        Parallel.For(0, OtExtension.BaseCount, j =>
        {
            var t = columns.AsSpan(j * columnBytes, columnBytes);
            var u = message.AsSpan(j * columnBytes, columnBytes);
            _zero[j].Fill(t, first);
            _one[j].Fill(u, first);
            for (var b = 0; b < columnBytes; b += 8)
            {
                var word = BinaryPrimitives.ReadUInt64LittleEndian(t[b..]) ^ BinaryPrimitives.ReadUInt64LittleEndian(u[b..]) ^ BinaryPrimitives.ReadUInt64LittleEndian(packed.AsSpan(b));
                BinaryPrimitives.WriteUInt64LittleEndian(u[b..], word);
            }
        });

        var rows = BitMatrix.ColumnsToRows(columns, padded);
        Array.Clear(columns);
        Array.Clear(packed);
        return (message, rows);
    }

    /// <summary>Zeroes the PRG keys.</summary>
    public void Dispose()
    {
        foreach (var prg in _zero.Concat(_one))
        {
            prg.Dispose();
        }
    }
}

/// <summary>The sender of OT extension: holds Δ and the base keys it chose by Δ's bits, learns q_i for each OT.</summary>
/// <remarks>One extension at a time. Dispose to zero the PRG keys.</remarks>
public sealed class OtExtensionSender : IDisposable
{
    private readonly AesPrg[] _chosen;
    private readonly UInt128 _delta;
    private ulong _nextBlock;

    /// <summary>A sender with global correlation <paramref name="delta"/> over the keys it received choosing Δ's bits (bit j in OT j).</summary>
    public OtExtensionSender(UInt128 delta, IReadOnlyList<byte[]> chosen)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        if (chosen.Count != OtExtension.BaseCount)
        {
            throw new ArgumentException($"OT extension runs on {OtExtension.BaseCount} base OTs.", nameof(chosen));
        }

        _delta = delta;
        _chosen = [.. chosen.Select(k => new AesPrg(k))];
    }

    /// <summary>The choice bits of the base OTs: Δ's bits, lowest first.</summary>
    public static bool[] BaseChoices(UInt128 delta) => [.. Enumerable.Range(0, OtExtension.BaseCount).Select(j => ((delta >> j) & 1) == 1)];

    /// <summary>q_i for each of <paramref name="count"/> OTs (padded to a multiple of 128) from the receiver's message.</summary>
    /// <exception cref="VoleProtocolException">The message is not the size <paramref name="count"/> OTs give.</exception>
    public UInt128[] Receive(int count, ReadOnlyMemory<byte> message)
    {
        if (message.Length != OtExtension.MessageSize(count))
        {
            throw new VoleProtocolException($"An OT extension of {count} OTs is {OtExtension.MessageSize(count)} bytes; got {message.Length}.");
        }

        var padded = OtExtension.Padded(count);
        var columnBytes = padded / 8;
        var columns = new byte[padded * 16];
        var first = _nextBlock;
        _nextBlock += (ulong)(columnBytes / 16);
        Parallel.For(0, OtExtension.BaseCount, j =>
        {
            var q = columns.AsSpan(j * columnBytes, columnBytes);
            _chosen[j].Fill(q, first);
            var mask = 0UL - (ulong)((_delta >> j) & 1);
            var u = message.Span.Slice(j * columnBytes, columnBytes);
            for (var b = 0; b < columnBytes; b += 8)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(q[b..], BinaryPrimitives.ReadUInt64LittleEndian(q[b..]) ^ (BinaryPrimitives.ReadUInt64LittleEndian(u[b..]) & mask));
            }
        });

        var rows = BitMatrix.ColumnsToRows(columns, padded);
        Array.Clear(columns);
        return rows;
    }

    /// <summary>Zeroes the PRG keys.</summary>
    public void Dispose()
    {
        foreach (var prg in _chosen)
        {
            prg.Dispose();
        }
    }
}
