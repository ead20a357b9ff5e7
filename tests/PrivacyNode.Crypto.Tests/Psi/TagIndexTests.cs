using System.Security.Cryptography;
using PrivacyNode.Crypto.Psi;

namespace PrivacyNode.Crypto.Tests.Psi;

/// <summary>The requester's tag index against a dictionary: every own tag found at its index, added in any order, and no other tag found.</summary>
public sealed class TagIndexTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(50_000)]
    public void Index_FindsExactlyTheOwnTags(int count)
    {
        var tags = RandomNumberGenerator.GetBytes(count * Oprf.TagSize);
        var index = new TagIndex(count);
        foreach (var i in Enumerable.Range(0, count).Reverse())
        {
            index.Add(tags.AsSpan(i * Oprf.TagSize, Oprf.TagSize), i);
        }

        for (var i = 0; i < count; i++)
        {
            Assert.True(index.TryGet(tags.AsSpan(i * Oprf.TagSize, Oprf.TagSize), out var found));
            Assert.Equal(i, found);
        }

        var others = RandomNumberGenerator.GetBytes(20_000 * Oprf.TagSize);
        for (var i = 0; i < 20_000; i++)
        {
            Assert.False(index.TryGet(others.AsSpan(i * Oprf.TagSize, Oprf.TagSize), out var none));
            Assert.Equal(-1, none);
        }
    }

    [Fact]
    public void Index_TagsSharingTheirSlotBits_AreToldApart()
    {
        // Equal high halves land in one slot and equal low halves on one filter bit: the probe must compare whole tags.
        var index = new TagIndex(8);
        var tags = Enumerable.Range(0, 8).Select(i => new UInt128(42, (ulong)(i % 2 == 0 ? 7 : 7 + (i << 40)))).ToArray();
        var bytes = new byte[8 * Oprf.TagSize];
        for (var i = 0; i < tags.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt128LittleEndian(bytes.AsSpan(i * Oprf.TagSize), tags[i]);
        }

        for (var i = 1; i < tags.Length; i += 2)
        {
            index.Add(bytes.AsSpan(i * Oprf.TagSize, Oprf.TagSize), i);
        }

        for (var i = 0; i < tags.Length; i++)
        {
            Assert.Equal(i % 2 == 1, index.TryGet(bytes.AsSpan(i * Oprf.TagSize, Oprf.TagSize), out var found));
            Assert.Equal(i % 2 == 1 ? i : -1, found);
        }
    }
}
