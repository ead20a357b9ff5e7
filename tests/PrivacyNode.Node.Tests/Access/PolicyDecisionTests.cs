using Google.Protobuf.WellKnownTypes;
using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Access;

namespace PrivacyNode.Node.Tests.Access;

/// <summary>Every deny reason of the provider's policy, one row each, plus the allowed baseline.</summary>
public sealed class PolicyDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, DenyReason?> Cases => new()
    {
        { "baseline", null },
        { "no grant", DenyReason.GrantNotFound },
        { "other peer", DenyReason.GrantPeerMismatch },
        { "revoked", DenyReason.GrantRevoked },
        { "not yet valid", DenyReason.GrantNotYetValid },
        { "expired", DenyReason.GrantExpired },
        { "uses exhausted", DenyReason.UsesExhausted },
        { "other dataset", DenyReason.DatasetMismatch },
        { "dataset removed", DenyReason.DatasetUnavailable },
        { "dataset now not shared", DenyReason.DatasetNotShared },
        { "kind not granted", DenyReason.JobKindNotGranted },
        { "output mode not of kind", DenyReason.OutputModeNotOfKind },
        { "output mode not granted", DenyReason.OutputModeNotGranted },
        { "column not granted", DenyReason.ColumnNotGranted },
        { "purpose differs", DenyReason.PurposeMismatch },
        { "requester set too small", DenyReason.RequesterSetTooSmall },
        { "suite allowed", null },
        { "suite not granted", DenyReason.SuiteNotGranted },
        { "no suite named, ristretto255 not granted", DenyReason.SuiteNotGranted },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decide(string scenario, DenyReason? expected)
    {
        Grant? grant = Grant();
        Sharing? sharing = Sharing.Conditional;
        var ask = new JobAsk("insurer", "grt-1", "psi-count", "claims", ["id_number"], "count", "fraud-check", 5000);
        long uses = 2;
        var now = Now;
        switch (scenario)
        {
            case "no grant": grant = null; break;
            case "other peer": ask = ask with { Peer = "telecom" }; break;
            case "revoked": grant.State = GrantState.Revoked; break;
            case "not yet valid": now = Now.AddDays(-40); break;
            case "expired": now = Now.AddDays(40); break;
            case "uses exhausted": uses = 3; break;
            case "other dataset": ask = ask with { Dataset = "payments" }; break;
            case "dataset removed": sharing = null; break;
            case "dataset now not shared": sharing = Sharing.NotShared; break;
            case "kind not granted": ask = ask with { Kind = "psi-payload" }; break;
            case "output mode not of kind": ask = ask with { OutputMode = "membership" }; break;
            case "output mode not granted": grant.Terms.JobKinds.Add("psi"); ask = ask with { Kind = "psi", OutputMode = "membership" }; break;
            case "column not granted": ask = ask with { Columns = ["id_number", "diagnosis"] }; break;
            case "purpose differs": ask = ask with { PurposeCode = "marketing" }; break;
            case "requester set too small": ask = ask with { RequesterSetSize = 999 }; break;
            case "suite allowed": grant.PsiSuites.Add("sm2-sm3"); ask = ask with { Suite = "sm2-sm3" }; break;
            case "suite not granted": grant.PsiSuites.Add("sm2-sm3"); ask = ask with { Suite = "rr22" }; break;
            case "no suite named, ristretto255 not granted": grant.PsiSuites.Add("rr22"); break;
        }

        var decision = PolicyDecision.Decide(grant, sharing, ask, uses, now);
        Assert.Equal(expected, decision.Reason);
        Assert.Equal(expected is null, decision.Allowed);
        Assert.False(string.IsNullOrWhiteSpace(decision.Message));
    }

    [Fact]
    public void EveryReason_IsCovered_AndHasAKebabCode()
    {
        var covered = Cases.Select(row => (DenyReason?)row[1]).Where(r => r is not null).ToHashSet();
        covered.Add(DenyReason.ResultBelowMinimum);
        Assert.Equal(System.Enum.GetValues<DenyReason>().Length, covered.Count);
        Assert.Equal("requester-set-too-small", PolicyDecision.Code(DenyReason.RequesterSetTooSmall));
        Assert.Equal("grant-expired", PolicyDecision.Code(DenyReason.GrantExpired));
    }

    [Fact]
    public void CheckResult_SuppressesResultsBelowTheMinimum()
    {
        Assert.Equal(DenyReason.ResultBelowMinimum, PolicyDecision.CheckResult(Grant(), 9).Reason);
        Assert.True(PolicyDecision.CheckResult(Grant(), 10).Allowed);
    }

    [Fact]
    public void MinimumRequesterSet_AppliesOnlyToKindsThatMatchARequesterSet()
    {
        var grant = Grant();
        grant.Terms.JobKinds.Add("he-aggregate");
        grant.Terms.OutputModes.Add("sum");
        var aggregate = new JobAsk("insurer", "grt-1", "he-aggregate", "claims", ["id_number"], "sum", "fraud-check", 0);
        Assert.True(PolicyDecision.Decide(grant, Sharing.Conditional, aggregate, 0, Now).Allowed);
        Assert.Equal(DenyReason.RequesterSetTooSmall, PolicyDecision.Decide(grant, Sharing.Conditional, aggregate with { Kind = "psi-count", OutputMode = "count" }, 0, Now).Reason);
    }

    /// <summary>Finding 3: a grant for kinds {psi, psi-count} with outputs {count} must not admit psi with mode count (membership).</summary>
    [Fact]
    public void Finding3_EveryKindTimesEveryMode_IsAllowedOnlyAsTheKindsOwnMode()
    {
        foreach (var kind in JobKinds.OutputModeOf.Keys)
        {
            foreach (var mode in JobKind.OutputModes)
            {
                var grant = Grant();
                grant.Terms.JobKinds.Clear();
                grant.Terms.JobKinds.AddRange(JobKinds.OutputModeOf.Keys);
                grant.Terms.OutputModes.Clear();
                grant.Terms.OutputModes.AddRange(JobKind.OutputModes);
                var decision = PolicyDecision.Decide(grant, Sharing.Conditional, new JobAsk("insurer", "grt-1", kind, "claims", ["id_number"], mode, "fraud-check", 5000), 0, Now);

                Assert.True(decision.Allowed == (mode == JobKinds.OutputModeOf[kind]), $"{kind} × {mode}: {decision.Message}");
            }
        }

        var narrow = Grant();
        narrow.Terms.JobKinds.Add("psi");
        var membershipAsCount = new JobAsk("insurer", "grt-1", "psi", "claims", ["id_number"], "count", "fraud-check", 5000);
        Assert.Equal(DenyReason.OutputModeNotOfKind, PolicyDecision.Decide(narrow, Sharing.Conditional, membershipAsCount, 0, Now).Reason);
    }

    [Fact]
    public void Finding3_GrantTerms_HoldKindModePairsThatStayConsistentWhenNarrowed()
    {
        Assert.Null(JobKinds.CheckPairs(["psi", "psi-count"], ["membership", "count"]));
        Assert.NotNull(JobKinds.CheckPairs(["psi", "psi-count"], ["count"]));
        Assert.NotNull(JobKinds.CheckPairs(["psi-count"], ["count", "membership"]));
        var (kinds, modes) = JobKinds.Pairs(["psi", "psi-count", "row-count"], ["count"]);
        Assert.Equal(["psi-count", "row-count"], kinds);
        Assert.Equal(["count"], modes);
        (kinds, modes) = JobKinds.Pairs(["psi-payload"], ["count", "payload"]);
        Assert.Equal(["psi-payload"], kinds);
        Assert.Equal(["payload"], modes);
    }

    /// <summary>Issue 16, finding 9: a grant without a minimum requester set must not admit a PSI job over one key.</summary>
    [Fact]
    public void Finding9_NodeFloorOnTheRequesterSet_AppliesWhenTheGrantSaysLessAndGrantsCanRaiseIt()
    {
        var grant = Grant();
        grant.MinRequesterSetSize = 0;
        var tiny = new JobAsk("insurer", "grt-1", "psi-count", "claims", ["id_number"], "count", "fraud-check", 1);

        Assert.True(PolicyDecision.Decide(grant, Sharing.Conditional, tiny, 0, Now).Allowed);
        Assert.Equal(DenyReason.RequesterSetTooSmall, PolicyDecision.Decide(grant, Sharing.Conditional, tiny, 0, Now, requesterSetFloor: 100).Reason);
        Assert.Equal(DenyReason.RequesterSetTooSmall, PolicyDecision.Decide(grant, Sharing.Conditional, tiny with { RequesterSetSize = 99 }, 0, Now, requesterSetFloor: 100).Reason);
        Assert.True(PolicyDecision.Decide(grant, Sharing.Conditional, tiny with { RequesterSetSize = 100 }, 0, Now, requesterSetFloor: 100).Allowed);
        grant.MinRequesterSetSize = 1000;
        Assert.Equal(DenyReason.RequesterSetTooSmall, PolicyDecision.Decide(grant, Sharing.Conditional, tiny with { RequesterSetSize = 100 }, 0, Now, requesterSetFloor: 100).Reason);
    }

    [Fact]
    public void OtherPeersGrant_IsNotConfirmedToExist()
    {
        var decision = PolicyDecision.Decide(Grant(), Sharing.Conditional, new JobAsk("telecom", "grt-1", "psi-count", "claims", [], "count", "fraud-check", 5000), 0, Now);
        Assert.DoesNotContain("insurer", decision.Message, StringComparison.Ordinal);
    }

    private static Grant Grant()
    {
        var terms = new AccessTerms
        {
            Dataset = "claims",
            PurposeCode = "fraud-check",
            ValidFrom = Timestamp.FromDateTimeOffset(Now.AddDays(-30)),
            ValidTo = Timestamp.FromDateTimeOffset(Now.AddDays(30)),
        };
        terms.Columns.Add("id_number");
        terms.JobKinds.Add("psi-count");
        terms.OutputModes.Add("count");
        return new Grant { Id = "grt-1", Requester = "insurer", Provider = "bureau", Terms = terms, MaxUses = 3, MinRequesterSetSize = 1000, MinResultSize = 10, State = GrantState.Active };
    }
}
