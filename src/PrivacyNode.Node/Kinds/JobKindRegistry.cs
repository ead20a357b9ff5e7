using PrivacyNode.Contracts;
using PrivacyNode.Node.Access;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Catalog;
using PrivacyNode.Node.Jobs;
using PrivacyNode.Node.Kinds.HeAggregate;
using PrivacyNode.Node.Kinds.Psi;
using PrivacyNode.Node.Kinds.RowCount;
using PrivacyNode.Node.Peers;

namespace PrivacyNode.Node.Kinds;

/// <summary>
/// Every job kind this node runs (<see cref="JobKind.All"/>): the requester side of each kind (its executor, which also validates a
/// spec at submit) and the provider sides that PeerJobService hands calls to. A new kind adds its folder under Kinds/, its
/// <see cref="JobKind"/> and its two sides here.
/// </summary>
public sealed class JobKindRegistry
{
    public JobKindRegistry(PeerClient peers, PeerAuditKeys peerKeys, DatasetStore datasets, AccessStore access, AuditLog audit, ProviderTagCache tagCache)
    {
        Executors =
        [
            new RowCountExecutor(peers, peerKeys),
            .. PsiJobSpec.Kinds.Select(kind => new PsiExecutor(kind, peers, peerKeys, datasets, access)),
            new HeAggregateExecutor(peers, peerKeys, audit),
        ];
        RowCount = new RowCountJobProvider(access, peerKeys);
        Psi = new PsiJobProvider(access, peerKeys, tagCache);
        Aggregate = new AggregateJobProvider(access, audit, peerKeys);
        ThresholdAggregate = new ThresholdAggregateJobProvider(access, peerKeys);
        var runnable = Executors.Select(e => e.Kind).Order(StringComparer.Ordinal);
        if (!runnable.SequenceEqual(JobKind.All.Select(k => k.Name).Order(StringComparer.Ordinal)))
        {
            throw new InvalidOperationException($"The executors ({string.Join(", ", runnable)}) are not one per job kind ({string.Join(", ", JobKind.All)}).");
        }
    }

    /// <summary>One requester side per kind.</summary>
    public IReadOnlyList<IJobExecutor> Executors { get; }

    /// <summary>The provider side of row-count.</summary>
    public RowCountJobProvider RowCount { get; }

    /// <summary>The provider side of psi, psi-count, psi-payload and psi-sum.</summary>
    public PsiJobProvider Psi { get; }

    /// <summary>The providers' side of he-aggregate with relayed, sealed contributions.</summary>
    public AggregateJobProvider Aggregate { get; }

    /// <summary>The providers' side of he-aggregate with a threshold key.</summary>
    public ThresholdAggregateJobProvider ThresholdAggregate { get; }
}
