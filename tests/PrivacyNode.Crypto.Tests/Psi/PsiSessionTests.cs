using System.Text;
using PrivacyNode.Crypto.Psi;

namespace PrivacyNode.Crypto.Tests.Psi;

/// <summary>
/// The PSI sessions against a plaintext model: a requester session and a provider's evaluation session, wired message by message in
/// memory, find exactly the keys both sets hold, in both suites, at sizes that cross batch boundaries; and every count the protocol
/// fixes is refused when a counterpart breaks it.
/// </summary>
public sealed class PsiSessionTests
{
    public static TheoryData<string, int, int, int, bool> Cases => new()
    {
        { "ristretto255-sha512", 0, 5, 0, false },
        { "ristretto255-sha512", 1, 1, 1, false },
        { "ristretto255-sha512", 37, 50, 0, false },
        { "ristretto255-sha512", 130, 70, 70, true },
        { "ristretto255-sha512", 100, 100, 100, false },
        { "sm2-sm3", 65, 40, 13, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sessions_FindExactlyTheCommonKeys(string suiteName, int requesterSize, int providerSize, int common, bool shuffle)
    {
        var suite = PsiSuite.Find(suiteName)!;
        var requesterKeys = Keys("r", requesterSize - common).Concat(Keys("both", common)).ToList();
        var providerKeys = Keys("both", common).Concat(Keys("p", providerSize - common)).ToList();
        using var provider = new PsiProvider(suite);
        using var session = new PsiRequesterSession(suite, requesterKeys, withPayloads: false);
        var evaluation = new PsiEvaluationSession(provider, requesterSize, maxBatch: 16, shuffle);

        while (session.NextBlinded(16) is { } blinded)
        {
            if (evaluation.Evaluate(blinded) is { } evaluated)
            {
                session.AcceptEvaluated(evaluated);
            }
        }

        foreach (var held in evaluation.Finish((ulong)requesterSize))
        {
            session.AcceptEvaluated(held);
        }

        var tags = new byte[providerKeys.Count * Oprf.TagSize];
        provider.Tag(providerKeys, tags, []);
        session.AcceptProviderTags(tags, []);
        var matches = session.Finish((ulong)providerSize);

        Assert.Equal(requesterSize, session.Evaluated);
        Assert.Equal(common, matches.Count);
        if (!shuffle)
        {
            Assert.Equal(Enumerable.Range(requesterSize - common, common), matches.Keys);
        }
    }

    [Fact]
    public void Payloads_OpenForMatchesOnly()
    {
        var suite = PsiSuite.Ristretto255;
        using var provider = new PsiProvider(suite);
        using var session = new PsiRequesterSession(suite, Keys("k", 4), withPayloads: true);
        var evaluation = new PsiEvaluationSession(provider, 4, maxBatch: 8, shuffle: false);
        session.AcceptEvaluated(evaluation.Evaluate(session.NextBlinded(8)!)!);
        Assert.Empty(evaluation.Finish(4));

        var providerKeys = new List<byte[]> { Keys("k", 4)[2], Keys("other", 1)[0] };
        var tags = new byte[2 * Oprf.TagSize];
        var payloadKeys = new byte[2 * Oprf.PayloadKeySize];
        provider.Tag(providerKeys, tags, payloadKeys);
        var rows = Enumerable.Range(0, 2).Select(i => (ReadOnlyMemory<byte>)suite.Seal(
            payloadKeys.AsSpan(i * Oprf.PayloadKeySize, Oprf.PayloadKeySize), tags.AsSpan(i * Oprf.TagSize, Oprf.TagSize), Encoding.UTF8.GetBytes($"row {i}"))).ToList();
        session.AcceptProviderTags(tags, rows);

        var match = Assert.Single(session.Finish(2));
        Assert.Equal((2, "row 0"), (match.Key, Encoding.UTF8.GetString(match.Value)));
    }

    [Fact]
    public void Provider_RefusesMoreThanAdmitted_AndADeclaredCountThatDiffers()
    {
        using var provider = new PsiProvider(PsiSuite.Ristretto255);
        using var session = new PsiRequesterSession(PsiSuite.Ristretto255, Keys("k", 10), withPayloads: false);
        var blinded = session.NextBlinded(10)!;

        Assert.Throws<PsiProtocolException>(() => new PsiEvaluationSession(provider, 9, 16, false).Evaluate(blinded));
        Assert.Throws<PsiProtocolException>(() => new PsiEvaluationSession(provider, 10, 4, false).Evaluate(blinded));
        Assert.Throws<PsiProtocolException>(() => new PsiEvaluationSession(provider, 10, 16, false).Evaluate(blinded.AsMemory(1)));
        var short_ = new PsiEvaluationSession(provider, 10, 16, false);
        short_.Evaluate(blinded.AsMemory(0, 5 * PsiSuite.Ristretto255.ElementSize));
        Assert.Throws<PsiProtocolException>(() => short_.Finish(5));
        var lying = new PsiEvaluationSession(provider, 10, 16, false);
        lying.Evaluate(blinded);
        Assert.Throws<PsiProtocolException>(() => lying.Finish(11));
    }

    [Fact]
    public void Requester_RefusesExtraEvaluations_EarlyTags_AndAWrongTagCount()
    {
        var suite = PsiSuite.Ristretto255;
        using var provider = new PsiProvider(suite);
        using var session = new PsiRequesterSession(suite, Keys("k", 3), withPayloads: false);
        var evaluated = provider.Evaluate(session.NextBlinded(3)!);

        Assert.Throws<PsiProtocolException>(() => session.AcceptProviderTags(new byte[Oprf.TagSize], []));
        Assert.Throws<PsiProtocolException>(() => session.AcceptEvaluated(evaluated.AsMemory(1)));
        session.AcceptEvaluated(evaluated);
        Assert.Throws<PsiProtocolException>(() => session.AcceptEvaluated(evaluated.AsMemory(0, suite.ElementSize)));
        Assert.Throws<PsiProtocolException>(() => session.AcceptProviderTags(new byte[Oprf.TagSize + 1], []));
        session.AcceptProviderTags(new byte[2 * Oprf.TagSize], []);
        Assert.Throws<PsiProtocolException>(() => session.Finish(3));
    }

    private static List<byte[]> Keys(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => Encoding.UTF8.GetBytes($"{prefix}-{i}"))];
}
