using System.Security.Cryptography;
using PrivacyNode.Crypto.Blocks;
using PrivacyNode.Crypto.Vole;

namespace PrivacyNode.Crypto.Tests.Vole;

/// <summary>
/// GGM puncturing, the VOLE's shape and the silent VOLE itself: C = B + A·Δ at every output, A not degenerate, and a message that is
/// tampered with or cut short either refused or breaking the correlation (never silently accepted as valid).
/// </summary>
public sealed class VoleTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(5, 17)]
    [InlineData(8, 255)]
    public void Ggm_PuncturedTreeHasEveryLeafButAlpha(int depth, int alpha)
    {
        var leaves = new UInt128[1 << depth];
        var scratch = new UInt128[Ggm.ScratchSize(depth)];
        var sums = new UInt128[2 * depth];
        Ggm.Expand(OtTests.Random128(), depth, leaves, scratch, sums);
        var offPath = Enumerable.Range(1, depth).Select(l => sums[(2 * (l - 1)) + (((alpha >> (depth - l)) & 1) ^ 1)]).ToArray();
        var punctured = new UInt128[1 << depth];
        Ggm.Puncture(alpha, depth, offPath, punctured, scratch);

        for (var i = 0; i < leaves.Length; i++)
        {
            Assert.Equal(i == alpha ? UInt128.Zero : leaves[i], punctured[i]);
        }
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(VoleParameters.MaxChunk, 1)]
    [InlineData(VoleParameters.MaxChunk + 1, 2)]
    [InlineData(18_454_938, 9)]
    public void Parameters_SplitIntoChunksOfAtMostTheMaximum(int outputs, int chunks)
    {
        var parameters = new VoleParameters(outputs);
        Assert.Equal(chunks, parameters.Chunks.Count);
        Assert.Equal(outputs, parameters.Chunks.Sum(c => c.Size));
        var start = 0;
        foreach (var chunk in parameters.Chunks)
        {
            Assert.Equal(start, chunk.Start);
            Assert.InRange(chunk.Size, 0, VoleParameters.MaxChunk);
            Assert.True(chunk.CodeSize >= VoleParameters.CodeRate * chunk.Computed);
            Assert.True(1 << chunk.Depth >= chunk.Leaves);
            start += chunk.Size;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(300)]
    [InlineData(5000)]
    public void SilentVole_Correlates(int outputs)
    {
        var (sender, receiver, delta) = Pair(outputs);
        using (sender)
        using (receiver)
        {
            sender.AcceptExtension(receiver.ExtensionMessage);
            foreach (var chunk in sender.Parameters.Chunks)
            {
                var (message, b) = sender.Chunk(chunk);
                var (a, c) = receiver.Chunk(chunk, message);
                Assert.Equal(chunk.Size, a.Length);
                for (var i = 0; i < chunk.Size; i++)
                {
                    Assert.Equal(b[i] ^ Gf128.Multiply(a[i], delta), c[i]);
                }

                // A is pseudorandom: no zero and no repeats among these outputs.
                Assert.DoesNotContain(UInt128.Zero, a);
                Assert.Equal(a.Length, a.Distinct().Count());
            }
        }
    }

    [Fact]
    public void SilentVole_TamperedMessageBreaksTheCorrelationAndAShortOneIsRefused()
    {
        var (sender, receiver, delta) = Pair(4096);
        using (sender)
        using (receiver)
        {
            sender.AcceptExtension(receiver.ExtensionMessage);
            var chunk = sender.Parameters.Chunks[0];
            var (message, b) = sender.Chunk(chunk);
            Assert.Throws<VoleProtocolException>(() => receiver.Chunk(chunk, message.AsMemory(1)));
            message[^1] ^= 1;
            var (a, c) = receiver.Chunk(chunk, message);
            Assert.Contains(Enumerable.Range(0, chunk.Size), i => (b[i] ^ Gf128.Multiply(a[i], delta)) != c[i]);
        }
    }

    [Fact]
    public void SilentVole_RefusesAnExtensionOfTheWrongSize()
    {
        var (sender, receiver, _) = Pair(100);
        using (sender)
        using (receiver)
        {
            Assert.Throws<VoleProtocolException>(() => sender.AcceptExtension(receiver.ExtensionMessage.AsMemory(16)));
        }
    }

    private static (SilentVoleSender Sender, SilentVoleReceiver Receiver, UInt128 Delta) Pair(int outputs)
    {
        var parameters = new VoleParameters(outputs);
        var delta = OtTests.Random128();
        var zero = Enumerable.Range(0, 128).Select(_ => RandomNumberGenerator.GetBytes(16)).ToArray();
        var one = Enumerable.Range(0, 128).Select(_ => RandomNumberGenerator.GetBytes(16)).ToArray();
        var chosen = Enumerable.Range(0, 128).Select(j => ((delta >> j) & 1) == 1 ? one[j] : zero[j]).ToArray();
        return (new SilentVoleSender(parameters, delta, chosen), new SilentVoleReceiver(parameters, zero, one), delta);
    }
}
