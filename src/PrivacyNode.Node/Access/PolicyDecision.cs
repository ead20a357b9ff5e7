using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Node.Access;

/// <summary>Why the provider refused a job; the text form (kebab case) is the wire and audit code.</summary>
public enum DenyReason
{
    GrantNotFound,
    GrantPeerMismatch,
    GrantRevoked,
    GrantNotYetValid,
    GrantExpired,
    UsesExhausted,
    DatasetMismatch,
    DatasetUnavailable,
    DatasetNotShared,
    JobKindNotGranted,
    OutputModeNotOfKind,
    OutputModeNotGranted,
    ColumnNotGranted,
    PurposeMismatch,
    RequesterSetTooSmall,
    SuiteNotGranted,
    ResultBelowMinimum,
}

/// <summary>Allow, or deny with a reason code and an explanation for the requester.</summary>
public sealed record Decision(DenyReason? Reason, string Message)
{
    public static readonly Decision Allow = new(null, "allowed");

    public bool Allowed => Reason is null;

    /// <summary>The reason as the kebab-case code used on the wire and in the audit log.</summary>
    public string Code => Reason is { } reason ? PolicyDecision.Code(reason) : string.Empty;

    public static Decision Deny(DenyReason reason, string message) => new(reason, message);
}

/// <summary>What a requester asks the provider to run, as the policy sees it.</summary>
public sealed record JobAsk(string Peer, string GrantId, string Kind, string Dataset, IReadOnlyList<string> Columns, string OutputMode, string PurposeCode, long RequesterSetSize, string Suite = "");

/// <summary>
/// The provider's decision for every job: a pure function of the grant, the dataset's current sharing
/// attribute, the job asked for, the uses so far and the time. Checks run in a fixed order and the first
/// failing one is reported.
/// </summary>
public static class PolicyDecision
{
    /// <summary>
    /// Decides <paramref name="ask"/> against <paramref name="grant"/> (null if none was found); <paramref name="requesterSetFloor"/> is the
    /// node's smallest requester set for PSI kinds, which a grant can raise but not lower.
    /// </summary>
    public static Decision Decide(Grant? grant, Sharing? datasetSharing, JobAsk ask, long usesSoFar, DateTimeOffset now, long requesterSetFloor = 0)
    {
        ArgumentNullException.ThrowIfNull(ask);
        if (grant is null)
        {
            return Decision.Deny(DenyReason.GrantNotFound, $"No grant '{ask.GrantId}' exists at this provider.");
        }

        if (grant.Requester != ask.Peer)
        {
            // Do not confirm to one peer that another peer's grant exists.
            return Decision.Deny(DenyReason.GrantPeerMismatch, $"No grant '{ask.GrantId}' exists at this provider for this node.");
        }

        if (grant.State == GrantState.Revoked)
        {
            return Decision.Deny(DenyReason.GrantRevoked, $"Grant '{grant.Id}' was revoked: {grant.RevokeReason}");
        }

        var terms = grant.Terms;
        if (now < terms.ValidFrom.ToDateTimeOffset())
        {
            return Decision.Deny(DenyReason.GrantNotYetValid, $"Grant '{grant.Id}' is valid from {terms.ValidFrom.ToDateTimeOffset():u}.");
        }

        if (now >= terms.ValidTo.ToDateTimeOffset())
        {
            return Decision.Deny(DenyReason.GrantExpired, $"Grant '{grant.Id}' expired at {terms.ValidTo.ToDateTimeOffset():u}.");
        }

        if (usesSoFar >= grant.MaxUses)
        {
            return Decision.Deny(DenyReason.UsesExhausted, $"Grant '{grant.Id}' allows {grant.MaxUses} uses; all are used.");
        }

        if (ask.Dataset != terms.Dataset)
        {
            return Decision.Deny(DenyReason.DatasetMismatch, $"Grant '{grant.Id}' covers dataset '{terms.Dataset}', not '{ask.Dataset}'.");
        }

        if (datasetSharing is null)
        {
            return Decision.Deny(DenyReason.DatasetUnavailable, $"Dataset '{ask.Dataset}' is no longer in the provider's catalog.");
        }

        if (datasetSharing == Sharing.NotShared)
        {
            return Decision.Deny(DenyReason.DatasetNotShared, $"Dataset '{ask.Dataset}' is now marked not shared.");
        }

        if (!terms.JobKinds.Contains(ask.Kind))
        {
            return Decision.Deny(DenyReason.JobKindNotGranted, $"Grant '{grant.Id}' does not allow job kind '{ask.Kind}' (allowed: {string.Join(", ", terms.JobKinds)}).");
        }

        // The mode is the kind's, never the requester's choice: psi with mode count would still return membership.
        var mode = JobKinds.OutputModeOf[ask.Kind];
        if (ask.OutputMode != mode)
        {
            return Decision.Deny(DenyReason.OutputModeNotOfKind, $"A {ask.Kind} job has output mode '{mode}'.");
        }

        if (!terms.OutputModes.Contains(mode))
        {
            return Decision.Deny(DenyReason.OutputModeNotGranted, $"Grant '{grant.Id}' does not allow output mode '{mode}' (allowed: {string.Join(", ", terms.OutputModes)}).");
        }

        var outside = ask.Columns.Where(c => !terms.Columns.Contains(c)).ToList();
        if (outside.Count > 0)
        {
            return Decision.Deny(DenyReason.ColumnNotGranted, $"Grant '{grant.Id}' does not cover column(s) {string.Join(", ", outside)}.");
        }

        if (ask.PurposeCode != terms.PurposeCode)
        {
            return Decision.Deny(DenyReason.PurposeMismatch, $"Grant '{grant.Id}' is for purpose '{terms.PurposeCode}', not '{ask.PurposeCode}'.");
        }

        var minimumSet = Math.Max(grant.MinRequesterSetSize, requesterSetFloor);
        if (JobKinds.WithRequesterSet.Contains(ask.Kind) && ask.RequesterSetSize < minimumSet)
        {
            return Decision.Deny(DenyReason.RequesterSetTooSmall, $"Grant '{grant.Id}' needs a requester set of at least {minimumSet} keys; this job has {ask.RequesterSetSize}.");
        }

        // A PSI job always names its suite by the time it is admitted; an older requester's empty name meant ristretto255-sha512.
        var suite = ask.Suite.Length > 0 ? ask.Suite : Crypto.Psi.PsiSuite.Ristretto255.Name;
        if (JobKinds.WithRequesterSet.Contains(ask.Kind) && grant.PsiSuites.Count > 0 && !grant.PsiSuites.Contains(suite))
        {
            return Decision.Deny(DenyReason.SuiteNotGranted, $"Grant '{grant.Id}' allows the PSI suites {string.Join(", ", grant.PsiSuites)}; this job runs on '{suite}'.");
        }

        return Decision.Allow;
    }

    /// <summary>After computing: a result smaller than the grant's minimum result size is suppressed, not revealed.</summary>
    public static Decision CheckResult(Grant grant, long resultSize)
    {
        ArgumentNullException.ThrowIfNull(grant);
        return resultSize < grant.MinResultSize
            ? Decision.Deny(DenyReason.ResultBelowMinimum, $"The result is below grant '{grant.Id}''s minimum result size of {grant.MinResultSize} and is suppressed.")
            : Decision.Allow;
    }

    /// <summary>The kebab-case code of <paramref name="reason"/>, for example <c>grant-expired</c>.</summary>
    public static string Code(DenyReason reason) => KebabCase.Of(reason.ToString());
}
