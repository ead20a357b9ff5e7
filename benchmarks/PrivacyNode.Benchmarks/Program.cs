using BenchmarkDotNet.Running;
using PrivacyNode.Benchmarks.Rpc;

if (args is ["rpc-server", var certificateDirectory])
{
    return await BenchServer.RunAsync(certificateDirectory);
}

Environment.SetEnvironmentVariable(BenchServerProcess.HostVariable, Environment.ProcessPath + "|" + typeof(BenchServer).Assembly.Location);
BenchmarkSwitcher.FromAssembly(typeof(BenchServer).Assembly).Run(args);
return 0;
