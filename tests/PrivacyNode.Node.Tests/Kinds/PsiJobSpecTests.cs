using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Psi;
using PrivacyNode.Node.Kinds.Psi;

namespace PrivacyNode.Node.Tests.Kinds;

/// <summary>The one reading of a psi-family spec that the requester (at submit) and the provider (at admission) share.</summary>
public sealed class PsiJobSpecTests
{
    [Fact]
    public void EachKind_ParsesIntoWhatItRuns()
    {
        Assert.True(PsiJobSpec.TryParse(new JobSpec { Kind = "psi", Columns = { "id" } }, out var membership, out _));
        Assert.True(PsiJobSpec.TryParse(new JobSpec { Kind = "psi-count", Columns = { "id" }, PsiSuite = "sm2-sm3" }, out var count, out _));
        Assert.True(PsiJobSpec.TryParse(new JobSpec { Kind = "psi-payload", Columns = { "id", "amount", "date" } }, out var payload, out _));
        Assert.True(PsiJobSpec.TryParse(new JobSpec { Kind = "psi-sum", Columns = { "id", "amount" }, ValueMin = "0.00", ValueMax = "1000.00" }, out var sum, out _));

        Assert.Equal((JobKind.Psi, PsiSuite.Ristretto255, "id", false, false), (membership.Kind, membership.Suite, membership.KeyColumn, membership.Shuffled, membership.WithPayloads));
        Assert.Equal((PsiSuite.Sm2, true), (count.Suite, count.Shuffled));
        Assert.True(payload.WithPayloads);
        Assert.Equal(["amount", "date"], payload.ProviderColumns);
        Assert.Equal((true, true, 2, 0L, 100_000L), (sum.IsSum, sum.Shuffled, sum.Range.Scale, sum.Range.Low, sum.Range.High));
    }

    [Theory]
    [InlineData("row-count", "id", "", "", "", "not 'row-count'")]
    [InlineData("psi", "", "", "", "", "key column")]
    [InlineData("psi-payload", "id", "", "", "", "granted columns")]
    [InlineData("psi-sum", "id", "", "", "", "value column")]
    [InlineData("psi-sum", "id,amount", "", "", "", "--value-range")]
    [InlineData("psi-sum", "id,amount", "", "1", "0.1234567890123456789", "not two decimals")]
    [InlineData("psi", "id", "p256", "", "", "Unknown PSI suite 'p256'")]
    [InlineData("psi-count", "id", "rr22", "", "", "runs psi and psi-payload")]
    [InlineData("psi-sum", "id,amount", "rr22", "0", "1", "runs psi and psi-payload")]
    public void BadSpec_IsRefusedWithTheReason(string kind, string columns, string suite, string min, string max, string reason)
    {
        var spec = new JobSpec { Kind = kind, PsiSuite = suite, ValueMin = min, ValueMax = max };
        spec.Columns.AddRange(columns.Split(',', StringSplitOptions.RemoveEmptyEntries));

        Assert.False(PsiJobSpec.TryParse(spec, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("psi", 4096, "rr22,ristretto255-sha512,sm2-sm3", "", "rr22")]
    [InlineData("psi-payload", 100_000, "rr22,ristretto255-sha512,sm2-sm3", "", "rr22")]
    [InlineData("psi", 4095, "rr22,ristretto255-sha512,sm2-sm3", "", "ristretto255-sha512")]
    [InlineData("psi-count", 100_000, "rr22,ristretto255-sha512,sm2-sm3", "", "ristretto255-sha512")]
    [InlineData("psi-sum", 100_000, "rr22,ristretto255-sha512,sm2-sm3", "", "ristretto255-sha512")]
    [InlineData("psi", 100_000, "", "", "ristretto255-sha512")]
    [InlineData("psi", 100_000, "rr22,ristretto255-sha512,sm2-sm3", "sm2-sm3", "sm2-sm3")]
    [InlineData("psi", 100, "rr22,ristretto255-sha512,sm2-sm3", "rr22,sm2-sm3", "rr22")]
    [InlineData("psi-count", 100_000, "rr22,ristretto255-sha512,sm2-sm3", "rr22,sm2-sm3", "sm2-sm3")]
    public void DefaultSuite_FollowsSizeProviderAndGrant(string kind, int keys, string providerSuites, string grantSuites, string expected) =>
        Assert.Equal(expected, PsiJobSpec.DefaultSuite(JobKind.Find(kind)!, keys, providerSuites.Split(',', StringSplitOptions.RemoveEmptyEntries), grantSuites.Split(',', StringSplitOptions.RemoveEmptyEntries)));
}
