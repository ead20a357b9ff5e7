using PrivacyNode.Crypto.Bfv;

namespace PrivacyNode.Crypto.Aggregate;

/// <summary>The aggregator's answer: the masked, flooded totals under the requester's key, and the groups it suppressed.</summary>
/// <param name="SumPlanes">Per plane, the total limb sums of each group (uniform noise where suppressed).</param>
/// <param name="Counts">The total row count of each group (uniform noise where suppressed).</param>
/// <param name="Suppressed">The groups whose total count was below the minimum, in order.</param>
public sealed record HeAggregateResult(IReadOnlyList<Ciphertext> SumPlanes, Ciphertext Counts, IReadOnlyList<int> Suppressed);
