using BenchmarkDotNet.Running;
using PrivacyNode.Node.Benchmarks;

BenchmarkSwitcher.FromAssembly(typeof(AuditQueryBenchmarks).Assembly).Run(args);
