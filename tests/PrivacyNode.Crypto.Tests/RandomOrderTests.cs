namespace PrivacyNode.Crypto.Tests;

/// <summary>The CSPRNG shuffle gives permutations, and all orders of a small set about equally often.</summary>
public sealed class RandomOrderTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    public void Permutation_HoldsEveryIndexOnce(int count) =>
        Assert.Equal(Enumerable.Range(0, count), RandomOrder.Permutation(count).Order());

    [Fact]
    public void Shuffle_GivesEveryOrderOfThreeAboutEquallyOften()
    {
        // 60,000 shuffles: each of the 6 orders is expected 10,000 times (σ ≈ 91); 500 off would be 5.5σ.
        var counts = new Dictionary<string, int>();
        for (var trial = 0; trial < 60_000; trial++)
        {
            var order = RandomOrder.Permutation(3);
            var name = string.Concat(order);
            counts[name] = counts.GetValueOrDefault(name) + 1;
        }

        Assert.Equal(6, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 9_500, 10_500));
    }

    [Fact]
    public void Shuffle_IsAPermutationOfWholeRecords()
    {
        var records = Enumerable.Range(0, 1000).SelectMany(i => BitConverter.GetBytes(i)).ToArray();

        RandomOrder.Shuffle(records, 4);

        var values = Enumerable.Range(0, 1000).Select(i => BitConverter.ToInt32(records, i * 4)).ToList();
        Assert.Equal(Enumerable.Range(0, 1000), values.Order());
        Assert.NotEqual(Enumerable.Range(0, 1000), values);
    }
}
