using System.Text;
using PrivacyNode.Crypto.Psi;

namespace PrivacyNode.Crypto.Tests.Psi;

/// <summary>The PSI messages run in memory against a plaintext model of the intersection, and with tampered or malformed messages.</summary>
public sealed class PsiProtocolTests
{
    private readonly Random _random = new(4242);

    [Fact]
    public void Membership_MatchesThePlaintextIntersection()
    {
        var (requesterKeys, providerKeys) = Sets(60, 80, overlap: 25);
        using var requester = new PsiRequester();
        using var provider = new PsiProvider();

        var tags = requester.Finalize(provider.Evaluate(requester.Blind(requesterKeys)));
        var providerTags = providerKeys.Select(k => Hex(Tag(provider, k))).ToHashSet();

        var matched = Enumerable.Range(0, requesterKeys.Count).Where(i => providerTags.Contains(Hex(tags.AsSpan(i * Oprf.TagSize, Oprf.TagSize)))).ToList();
        var expected = Enumerable.Range(0, requesterKeys.Count).Where(i => providerKeys.Any(k => k.SequenceEqual(requesterKeys[i]))).ToList();
        Assert.Equal(expected, matched);
        Assert.Equal(25, matched.Count);
    }

    [Fact]
    public void Count_AfterShuffle_StillCountsTheIntersection()
    {
        var (requesterKeys, providerKeys) = Sets(50, 40, overlap: 17);
        using var requester = new PsiRequester();
        using var provider = new PsiProvider();

        var evaluated = provider.Evaluate(requester.Blind(requesterKeys));
        RandomOrder.Shuffle(evaluated, Oprf.ElementSize);
        var tags = requester.Finalize(evaluated);
        var providerTags = providerKeys.Select(k => Hex(Tag(provider, k))).ToHashSet();

        Assert.Equal(17, Enumerable.Range(0, requesterKeys.Count).Count(i => providerTags.Contains(Hex(tags.AsSpan(i * Oprf.TagSize, Oprf.TagSize)))));
    }

    [Fact]
    public void Payload_OpensOnlyForMatchingKeys()
    {
        var (requesterKeys, providerKeys) = Sets(10, 10, overlap: 4);
        using var requester = new PsiRequester();
        using var provider = new PsiProvider();
        var sealedRows = providerKeys.ToDictionary(k => Hex(Tag(provider, k)), k =>
        {
            var tag = new byte[Oprf.TagSize];
            var key = new byte[Oprf.PayloadKeySize];
            provider.Tag(k, tag, key);
            return PayloadCipher.Seal(key, tag, Encoding.UTF8.GetBytes("row of " + Encoding.UTF8.GetString(k)));
        });

        var payloadKeys = new byte[requesterKeys.Count * Oprf.PayloadKeySize];
        var tags = requester.Finalize(provider.Evaluate(requester.Blind(requesterKeys)), payloadKeys);
        var opened = new List<string>();
        for (var i = 0; i < requesterKeys.Count; i++)
        {
            var tag = tags.AsSpan(i * Oprf.TagSize, Oprf.TagSize);
            if (sealedRows.TryGetValue(Hex(tag), out var sealedRow))
            {
                opened.Add(Encoding.UTF8.GetString(PayloadCipher.Open(payloadKeys.AsSpan(i * Oprf.PayloadKeySize, Oprf.PayloadKeySize), tag, sealedRow)));
            }
        }

        Assert.Equal(requesterKeys.Where(k => providerKeys.Any(p => p.SequenceEqual(k))).Select(k => "row of " + Encoding.UTF8.GetString(k)), opened);
        // A key derived from a non-matching OPRF output does not open another row's payload.
        var someRow = sealedRows.First();
        Assert.Throws<PsiProtocolException>(() => PayloadCipher.Open(new byte[Oprf.PayloadKeySize], Convert.FromHexString(someRow.Key), someRow.Value));
        // Nor does the right key under another tag, or a flipped byte.
        var (tagBytes, keyBytes) = (new byte[Oprf.TagSize], new byte[Oprf.PayloadKeySize]);
        provider.Tag(providerKeys[0], tagBytes, keyBytes);
        var sealedFirst = sealedRows[Hex(tagBytes)];
        Assert.Throws<PsiProtocolException>(() => PayloadCipher.Open(keyBytes, new byte[Oprf.TagSize], sealedFirst));
        sealedFirst[^1] ^= 1;
        Assert.Throws<PsiProtocolException>(() => PayloadCipher.Open(keyBytes, tagBytes, sealedFirst));
        Assert.Throws<PsiProtocolException>(() => PayloadCipher.Open(keyBytes, tagBytes, new byte[PayloadCipher.Overhead - 1]));
    }

    [Fact]
    public void AnotherProvidersKey_MatchesNothing()
    {
        var (requesterKeys, providerKeys) = Sets(20, 20, overlap: 20);
        using var requester = new PsiRequester();
        using var provider = new PsiProvider();
        using var other = new PsiProvider();

        var tags = requester.Finalize(other.Evaluate(requester.Blind(requesterKeys)));
        var providerTags = providerKeys.Select(k => Hex(Tag(provider, k))).ToHashSet();

        Assert.DoesNotContain(Enumerable.Range(0, requesterKeys.Count), i => providerTags.Contains(Hex(tags.AsSpan(i * Oprf.TagSize, Oprf.TagSize))));
    }

    [Fact]
    public void MalformedBatches_AreRejected()
    {
        using var requester = new PsiRequester();
        using var provider = new PsiProvider();
        var blinded = requester.Blind([[1, 2, 3], [4, 5, 6]]);

        Assert.Throws<PsiProtocolException>(() => provider.Evaluate(blinded.AsSpan(0, 40)));
        Assert.Throws<PsiProtocolException>(() => provider.Evaluate(new byte[32]));          // the identity
        Assert.Throws<PsiProtocolException>(() => provider.Evaluate(Enumerable.Repeat((byte)0xff, 32).ToArray())); // non-canonical
        Assert.Throws<PsiProtocolException>(() => requester.Finalize(new byte[64]));
        Assert.Throws<PsiProtocolException>(() => requester.Finalize(Convert.FromHexString(RistrettoVectorsInvalidNonSquare)));
        Assert.Empty(provider.Evaluate(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void TamperedEvaluation_IsRejectedOrMatchesNothing()
    {
        byte[] key = [9, 9, 9];
        using var requester = new PsiRequester();
        using var provider = new PsiProvider();
        var evaluated = provider.Evaluate(requester.Blind([key]));
        var expected = Hex(Tag(provider, key));

        for (var bit = 0; bit < 256; bit += 7)
        {
            var tampered = (byte[])evaluated.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            try
            {
                Assert.NotEqual(expected, Hex(requester.Finalize(tampered)));
            }
            catch (PsiProtocolException)
            {
                // rejected outright: fine
            }
        }
    }

    /// <summary>An RFC 9496 A.2 string that decodes to nothing (non-square x²).</summary>
    private const string RistrettoVectorsInvalidNonSquare = "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371";

    private (List<byte[]> Requester, List<byte[]> Provider) Sets(int requesterSize, int providerSize, int overlap)
    {
        var shared = Enumerable.Range(0, overlap).Select(_ => Key()).ToList();
        var requester = shared.Concat(Enumerable.Range(0, requesterSize - overlap).Select(_ => Key())).OrderBy(_ => _random.Next()).ToList();
        var provider = shared.Concat(Enumerable.Range(0, providerSize - overlap).Select(_ => Key())).OrderBy(_ => _random.Next()).ToList();
        return (requester, provider);
    }

    private byte[] Key() => Encoding.ASCII.GetBytes("1101051990" + _random.NextInt64(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static byte[] Tag(PsiProvider provider, byte[] key)
    {
        var tag = new byte[Oprf.TagSize];
        provider.Tag(key, tag, default);
        return tag;
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);
}
