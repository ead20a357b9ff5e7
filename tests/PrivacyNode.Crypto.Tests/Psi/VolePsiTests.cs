using System.Text;
using PrivacyNode.Crypto.Psi;

namespace PrivacyNode.Crypto.Tests.Psi;

/// <summary>
/// The VOLE-based suite against a plaintext model: a requester and a provider wired message by message in memory find exactly the
/// keys both sets hold (empty sets, one key, no and full overlap, sizes that are not powers of two), sealed rows open for matches
/// only, and every malformed or out-of-order message is refused with a protocol error.
/// </summary>
public sealed class VolePsiTests
{
    public static TheoryData<int, int, int> Cases => new()
    {
        { 0, 0, 0 },
        { 0, 5, 0 },
        { 5, 0, 0 },
        { 1, 1, 1 },
        { 37, 50, 0 },
        { 100, 100, 100 },
        { 1000, 1537, 300 },
        { 6000, 200, 199 },
    };

    [Fact]
    public void KeyHash_IsCbcMacOfThePrefixFreeEncodingAndTheBlockIndex()
    {
        // Against the definition, with the platform's AES-CBC: h = CBC-MAC_s(len ‖ key padded ‖ 4), g = CBC-MAC_s(… ‖ 5), zero IV.
        var seed = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
        List<ReadOnlyMemory<byte>> keys = [.. new[] { 0, 1, 15, 16, 17, 18, 32, 33, 100 }.Select(n => (ReadOnlyMemory<byte>)System.Security.Cryptography.RandomNumberGenerator.GetBytes(n))];
        using var prf = new PrivacyNode.Crypto.Blocks.Aes128(seed);
        var compressed = VolePsi.Compress(keys, prf, CancellationToken.None);
        var (values, bindings) = (new UInt128[keys.Count], new UInt128[keys.Count]);
        VolePsi.Expand(prf, compressed, 1000, default, values, bindings);

        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = seed;
        for (var k = 0; k < keys.Count; k++)
        {
            var key = keys[k].ToArray();
            var encoding = new byte[16 + (((key.Length + 15) / 16) * 16) + 16];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(encoding, (ulong)key.Length);
            key.CopyTo(encoding, 16);
            foreach (var (block, expected) in new[] { (4, values[k]), (5, bindings[k]) })
            {
                encoding[^16] = (byte)block;
                var mac = aes.EncryptCbc(encoding, new byte[16], System.Security.Cryptography.PaddingMode.None)[^16..];
                Assert.Equal(System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(mac), expected);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Suite_FindsExactlyTheCommonKeys(int requesterSize, int providerSize, int common)
    {
        var requesterKeys = Keys("r", requesterSize - common).Concat(Keys("both", common)).ToList();
        var providerKeys = Keys("both", common).Concat(Keys("p", providerSize - common)).ToList();
        using var requester = new VolePsiRequester(requesterKeys, withPayloads: false);
        requester.Encode();
        using var provider = new VolePsiProvider(requesterSize);
        Run(requester, provider);

        var tags = new byte[providerKeys.Count * Oprf.TagSize];
        provider.Tag(providerKeys, tags, []);
        requester.AcceptProviderTags(tags, []);
        var matches = requester.Finish((ulong)providerSize);

        Assert.Equal(Enumerable.Range(requesterSize - common, common), matches.Keys);
    }

    [Fact]
    public void Payloads_OpenForMatchesOnly()
    {
        using var requester = new VolePsiRequester(Keys("k", 4), withPayloads: true);
        requester.Encode();
        using var provider = new VolePsiProvider(4);
        Run(requester, provider);
        var providerKeys = new List<ReadOnlyMemory<byte>> { Keys("k", 4)[2], Keys("other", 1)[0] };
        var tags = new byte[2 * Oprf.TagSize];
        var payloadKeys = new byte[2 * Oprf.PayloadKeySize];
        provider.Tag(providerKeys, tags, payloadKeys);
        var rows = Enumerable.Range(0, 2).Select(i => (ReadOnlyMemory<byte>)VolePsiProvider.Seal(payloadKeys.AsSpan(i * Oprf.PayloadKeySize, Oprf.PayloadKeySize), tags.AsSpan(i * Oprf.TagSize, Oprf.TagSize), Encoding.UTF8.GetBytes($"row {i}"))).ToList();

        requester.AcceptProviderTags(tags, rows);
        var matches = requester.Finish(2);

        Assert.Equal([2], matches.Keys);
        Assert.Equal("row 0", Encoding.UTF8.GetString(matches[2]));
    }

    [Fact]
    public void TagsOfTwoJobsAreUnlinkable()
    {
        var keys = Keys("k", 10);
        var first = ProviderTags(keys);
        var second = ProviderTags(keys);
        Assert.Empty(Enumerable.Range(0, 10).Select(i => Convert.ToHexString(first, i * 16, 16)).Intersect(Enumerable.Range(0, 10).Select(i => Convert.ToHexString(second, i * 16, 16))));
    }

    [Fact]
    public void MalformedMessages_AreRefused()
    {
        using var requester = new VolePsiRequester(Keys("k", 10), withPayloads: false);
        using var provider = new VolePsiProvider(10);
        Assert.Throws<PsiProtocolException>(() => requester.Mask(new byte[16]));
        Assert.Throws<PsiProtocolException>(() => requester.AcceptProviderTags([], []));
        Assert.Throws<PsiProtocolException>(() => requester.Start(provider.BaseOtMessage.AsSpan(1)));
        var start = requester.Start(provider.BaseOtMessage);
        Assert.Throws<PsiProtocolException>(() => provider.Start(start.AsMemory(0, start.Length - 1)));
        Assert.Throws<PsiProtocolException>(() => provider.AcceptMasked(new byte[16]));
        provider.Start(start);
        Assert.Throws<PsiProtocolException>(() => provider.Start(start));
        var chunk = provider.NextChunk()!;
        Assert.Throws<InvalidOperationException>(() => requester.Mask(chunk));
        requester.Encode();
        Assert.Throws<PsiProtocolException>(() => requester.Mask(chunk.AsMemory(3)));
        var masked = requester.Mask(chunk);
        Assert.Throws<PsiProtocolException>(() => provider.AcceptMasked(masked[16..]));
        provider.AcceptMasked(masked);
        Assert.Null(provider.NextChunk());

        // The provider's announced set size is checked against the tags it sent.
        var tags = new byte[3 * Oprf.TagSize];
        provider.Tag(Keys("p", 3), tags, []);
        Assert.Throws<PsiProtocolException>(() => requester.AcceptProviderTags(tags.AsSpan(1), []));
        requester.AcceptProviderTags(tags, []);
        Assert.Throws<PsiProtocolException>(() => requester.Finish(4));
    }

    private static byte[] ProviderTags(List<ReadOnlyMemory<byte>> keys)
    {
        using var requester = new VolePsiRequester(keys, withPayloads: false);
        requester.Encode();
        using var provider = new VolePsiProvider(keys.Count);
        Run(requester, provider);
        var tags = new byte[keys.Count * Oprf.TagSize];
        provider.Tag(keys, tags, []);
        return tags;
    }

    private static void Run(VolePsiRequester requester, VolePsiProvider provider)
    {
        provider.Start(requester.Start(provider.BaseOtMessage));
        while (provider.NextChunk() is { } chunk)
        {
            provider.AcceptMasked(requester.Mask(chunk));
        }

        Assert.True(provider.VoleDone);
    }

    private static List<ReadOnlyMemory<byte>> Keys(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"{prefix}-{i}"))];
}
