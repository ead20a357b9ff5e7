using System.Security.Cryptography;
using PrivacyNode.Crypto.Ristretto;
using PrivacyNode.Crypto.Vole;

namespace PrivacyNode.Crypto.Tests.Vole;

/// <summary>
/// Base OT, the bit transposition and OT extension against their definitions: the receiver's key is the sender's key of its choice
/// and not the other, q_i = t_i ⊕ r_i·Δ for every extended OT, and malformed messages are refused.
/// </summary>
public sealed class OtTests
{
    [Fact]
    public void Transpose128_MatchesTheDefinition()
    {
        var rows = new UInt128[128];
        var bytes = RandomNumberGenerator.GetBytes(128 * 16);
        for (var r = 0; r < 128; r++)
        {
            rows[r] = System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(bytes.AsSpan(r * 16));
        }

        var original = (UInt128[])rows.Clone();
        BitMatrix.Transpose128(rows);
        for (var r = 0; r < 128; r++)
        {
            for (var c = 0; c < 128; c++)
            {
                Assert.Equal((original[r] >> c) & 1, (rows[c] >> r) & 1);
            }
        }
    }

    [Fact]
    public void BaseOt_ReceiverGetsTheChosenKeyOnly()
    {
        var choices = Enumerable.Range(0, 20).Select(i => i % 3 == 0).ToArray();
        using var sender = new BaseOtSender();
        using var receiver = new BaseOtReceiver(choices);
        var (zero, one) = sender.Keys(choices.Length, receiver.Message);
        var chosen = receiver.Keys(sender.Message());

        for (var i = 0; i < choices.Length; i++)
        {
            Assert.Equal(choices[i] ? one[i] : zero[i], chosen[i]);
            Assert.NotEqual(choices[i] ? zero[i] : one[i], chosen[i]);
        }
    }

    [Fact]
    public void BaseOt_RefusesMalformedMessages()
    {
        using var sender = new BaseOtSender();
        using var receiver = new BaseOtReceiver([true, false]);
        var pairs = receiver.Message.ToArray();

        Assert.Throws<VoleProtocolException>(() => sender.Keys(2, pairs.AsSpan(1)));
        Assert.Throws<VoleProtocolException>(() => sender.Keys(3, pairs));
        var identity = (byte[])pairs.Clone();
        Array.Clear(identity, 0, RistrettoPoint.Size);
        Assert.Throws<VoleProtocolException>(() => sender.Keys(2, identity));
        var notCanonical = (byte[])pairs.Clone();
        Array.Fill(notCanonical, (byte)0xFF, 0, RistrettoPoint.Size);
        Assert.Throws<VoleProtocolException>(() => sender.Keys(2, notCanonical));
        Assert.Throws<VoleProtocolException>(() => receiver.Keys(new byte[RistrettoPoint.Size]));
        Assert.Throws<VoleProtocolException>(() => receiver.Keys(sender.Message().AsSpan(1)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(128)]
    [InlineData(1000)]
    public void OtExtension_GivesCorrelatedOts(int count)
    {
        var delta = Random128();
        var zero = Enumerable.Range(0, 128).Select(_ => RandomNumberGenerator.GetBytes(16)).ToArray();
        var one = Enumerable.Range(0, 128).Select(_ => RandomNumberGenerator.GetBytes(16)).ToArray();
        var chosen = Enumerable.Range(0, 128).Select(j => ((delta >> j) & 1) == 1 ? one[j] : zero[j]).ToArray();
        using var receiver = new OtExtensionReceiver(zero, one);
        using var sender = new OtExtensionSender(delta, chosen);
        var choices = Enumerable.Range(0, count).Select(_ => RandomNumberGenerator.GetInt32(2) == 1).ToArray();

        // Two extensions in a row: the PRGs move on, and both still correlate.
        for (var round = 0; round < 2; round++)
        {
            var (message, t) = receiver.Extend(choices);
            var q = sender.Receive(count, message);
            for (var i = 0; i < count; i++)
            {
                Assert.Equal(q[i] ^ (choices[i] ? delta : UInt128.Zero), t[i]);
            }

            Assert.Throws<VoleProtocolException>(() => sender.Receive(count + 128, message));
        }
    }

    internal static UInt128 Random128() => System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(RandomNumberGenerator.GetBytes(16));
}
