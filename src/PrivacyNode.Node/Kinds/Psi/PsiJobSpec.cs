using PrivacyNode.Contracts;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Psi;
using PrivacyNode.Node.Jobs;

namespace PrivacyNode.Node.Kinds.Psi;

/// <summary>
/// A psi, psi-count, psi-payload or psi-sum job as both sides read its spec, parsed and checked in one place: by the requester at
/// submit (and again from the stored spec when it runs) and by the provider at admission.
/// </summary>
/// <param name="Kind">The kind.</param>
/// <param name="Suite">The group suite of an ECDH job; for an rr22 job, ristretto255's, whose AEAD seals psi-payload rows.</param>
/// <param name="Vole">Whether the job runs on the VOLE-based suite (rr22, docs/protocols/psi-vole.md).</param>
/// <param name="KeyColumn">The provider's key column.</param>
/// <param name="ProviderColumns">The provider's other columns: the granted columns returned (psi-payload) or the value column (psi-sum).</param>
/// <param name="Range">The declared range of the values (psi-sum only; empty otherwise).</param>
public sealed record PsiJobSpec(JobKind Kind, PsiSuite Suite, bool Vole, string KeyColumn, IReadOnlyList<string> ProviderColumns, ValueRange Range)
{
    /// <summary>The kinds this spec describes.</summary>
    public static IReadOnlyList<JobKind> Kinds { get; } = [JobKind.Psi, JobKind.PsiCount, JobKind.PsiPayload, JobKind.PsiSum];

    /// <summary>The fewest requester keys for which a job that names no suite runs on rr22 (below, ECDH needs less work in all).</summary>
    public const int VoleFromKeys = 4096;

    /// <summary>Every suite's name, the VOLE suite first.</summary>
    public static IReadOnlyList<string> SuiteNames { get; } = [VolePsi.SuiteName, .. PsiSuite.All.Select(s => s.Name)];

    /// <summary>The name of the suite the job runs on.</summary>
    public string SuiteName => Vole ? VolePsi.SuiteName : Suite.Name;

    /// <summary>Whether the provider's tags come with sealed rows (psi-payload).</summary>
    public bool WithPayloads => Kind == JobKind.PsiPayload;

    /// <summary>Whether the job sums a provider column over the intersection (psi-sum).</summary>
    public bool IsSum => Kind == JobKind.PsiSum;

    /// <summary>Whether the provider returns the evaluations shuffled, so the requester learns no per-key match (psi-count, psi-sum).</summary>
    public bool Shuffled => Kind == JobKind.PsiCount || Kind == JobKind.PsiSum;

    /// <summary>
    /// The suite of a job that names none: rr22 for psi and psi-payload from <see cref="VoleFromKeys"/> requester keys (it reveals
    /// membership to the requester, so psi-count and psi-sum keep ECDH) when the provider runs it (<paramref name="providerSuites"/>,
    /// as its node info lists them; empty from nodes older than the list), ristretto255-sha512 otherwise; and when the grant allows
    /// only other suites (<paramref name="grantSuites"/>, empty for any), the first of those the kind can run.
    /// </summary>
    public static string DefaultSuite(JobKind kind, int requesterKeys, IReadOnlyCollection<string> providerSuites, IReadOnlyList<string> grantSuites)
    {
        ArgumentNullException.ThrowIfNull(providerSuites);
        ArgumentNullException.ThrowIfNull(grantSuites);
        var fitting = VoleRuns(kind) && requesterKeys is >= VoleFromKeys and <= VolePsi.MaxRequesterKeys && providerSuites.Contains(VolePsi.SuiteName)
            ? VolePsi.SuiteName
            : PsiSuite.Ristretto255.Name;
        return grantSuites.Count == 0 || grantSuites.Contains(fitting) ? fitting
            : grantSuites.FirstOrDefault(s => s != VolePsi.SuiteName || VoleRuns(kind)) ?? grantSuites[0];
    }

    /// <summary>Reads what both sides agree on; the requester's own input (dataset and column) is checked by its executor.</summary>
    public static bool TryParse(JobSpec spec, out PsiJobSpec parsed, out string error)
    {
        ArgumentNullException.ThrowIfNull(spec);
        parsed = null!;
        var kind = Kinds.FirstOrDefault(k => k.Is(spec.Kind));
        var range = new ValueRange(0, 0, 0);
        error = kind is null
            ? $"Psi runs {string.Join(", ", Kinds)} jobs, not '{spec.Kind}'."
            : spec.Columns.Count == 0 || spec.Columns.Any(string.IsNullOrEmpty)
                ? $"A {kind} job names the provider's key column (--columns key,...)."
                : kind == JobKind.PsiSum && spec.Columns.Count != 2
                    ? "A psi-sum job names the provider's key column and the value column to sum (--columns key,value)."
                    : kind == JobKind.PsiPayload && spec.Columns.Count < 2
                        ? "A psi-payload job names the provider's key column first, then the granted columns to return (--columns key,col1,...)."
                        : string.Empty;
        if (error.Length > 0 || (kind == JobKind.PsiSum && !ValueRange.TryParse(spec.ValueMin, spec.ValueMax, out range, out error)))
        {
            return false;
        }

        var vole = spec.PsiSuite == VolePsi.SuiteName;
        if ((vole ? PsiSuite.Ristretto255 : PsiSuite.Find(spec.PsiSuite)) is not { } suite)
        {
            error = $"Unknown PSI suite '{spec.PsiSuite}'; the suites are {string.Join(", ", SuiteNames)}.";
            return false;
        }

        if (vole && !VoleRuns(kind!))
        {
            error = $"The {VolePsi.SuiteName} suite runs psi and psi-payload; a {kind} job runs on an ECDH suite ({PsiSuite.Names}), which hides membership from the requester.";
            return false;
        }

        parsed = new PsiJobSpec(kind!, suite, vole, spec.Columns[0], [.. spec.Columns.Skip(1)], range);
        return true;
    }

    private static bool VoleRuns(JobKind kind) => kind == JobKind.Psi || kind == JobKind.PsiPayload;
}
