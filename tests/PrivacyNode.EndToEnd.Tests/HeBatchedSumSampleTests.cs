using PrivacyNode.Samples.HeBatchedSum;

namespace PrivacyNode.EndToEnd.Tests;

/// <summary>Replays samples/HeBatchedSum: the decrypted total equals the plaintext total.</summary>
public sealed class HeBatchedSumSampleTests
{
    [Fact]
    public void Walkthrough_DecryptsThePlaintextTotal()
    {
        using var output = new StringWriter();

        var code = Walkthrough.Run(output);

        Assert.True(code == 0, output.ToString());
        Assert.Matches(@"decrypted total: ([\d,]+) yuan \(plaintext check: \1\)", output.ToString());
        Assert.Equal(3, output.ToString().Split('\n').Count(l => l.Contains("encrypted 4096 amounts", StringComparison.Ordinal)));
    }
}
