using BenchmarkDotNet.Running;
using PrivacyNode.Node.Benchmarks;

// interference-load is the background load of benchmarks/interference-e2e.sh; anything else goes to BenchmarkDotNet.
return args is ["interference-load", .. var rest]
    ? await InterferenceLoad.RunAsync(rest)
    : Summaries(BenchmarkSwitcher.FromAssembly(typeof(AuditQueryBenchmarks).Assembly).Run(args));

static int Summaries(IEnumerable<BenchmarkDotNet.Reports.Summary> summaries) => summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
