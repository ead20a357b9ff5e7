using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using PrivacyNode.PinnedTls;

namespace PrivacyNode.Benchmarks.Rpc;

/// <summary>Starts <see cref="BenchServer"/> in a child process and holds the certificates both sides use.</summary>
internal sealed class BenchServerProcess : IDisposable
{
    /// <summary>Set by Program to how this benchmark executable can be started again (BenchmarkDotNet's child processes inherit it).</summary>
    public const string HostVariable = "PRIVACYNODE_BENCH_HOST";

    private readonly Process _process;

    private BenchServerProcess(Process process, X509Certificate2 server, X509Certificate2 client, int cleartextPort, int tlsPort)
    {
        _process = process;
        ServerCertificate = server;
        ClientCertificate = client;
        CleartextPort = cleartextPort;
        TlsPort = tlsPort;
    }

    public X509Certificate2 ServerCertificate { get; }

    public X509Certificate2 ClientCertificate { get; }

    public int CleartextPort { get; }

    public int TlsPort { get; }

    /// <summary>Starts a server process.</summary>
    public static BenchServerProcess Start()
    {
        var host = Environment.GetEnvironmentVariable(HostVariable)
            ?? throw new InvalidOperationException($"{HostVariable} is not set; run the benchmarks through PrivacyNode.Benchmarks' own Main.");
        var directory = Directory.CreateTempSubdirectory("pn-bench-").FullName;
        var server = SelfSignedCertificate.Create("bench-server", ["localhost"], [IPAddress.Loopback], TimeSpan.FromDays(1));
        var client = SelfSignedCertificate.Create("bench-client", ["localhost"], [], TimeSpan.FromDays(1));
        using (var key = server.GetECDsaPrivateKey()!)
        {
            File.WriteAllText(Path.Combine(directory, "server.pem"), server.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem());
        }

        File.WriteAllText(Path.Combine(directory, "client.crt"), client.ExportCertificatePem());
        var parts = host.Split('|');
        var info = new ProcessStartInfo(parts[0]) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(parts[0]) == "dotnet")
        {
            info.ArgumentList.Add(parts[1]);
        }

        info.ArgumentList.Add("rpc-server");
        info.ArgumentList.Add(directory);
        var process = Process.Start(info)!;
        var line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("The benchmark server did not start.");
        var ports = line.Split(' ');
        return new BenchServerProcess(process, server, client, int.Parse(ports[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(ports[2], System.Globalization.CultureInfo.InvariantCulture));
    }

    public void Dispose()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(5_000))
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}
