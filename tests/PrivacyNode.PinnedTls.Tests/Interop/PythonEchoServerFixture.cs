using PrivacyNode.PinnedTls.Tests.Infrastructure;
using PrivacyNode.Testing;

namespace PrivacyNode.PinnedTls.Tests.Interop;

/// <summary>Python grpcio EchoService servers (h2c, mutual TLS, gzip-compressing) and the generated Python stubs.</summary>
public sealed class PythonEchoServerFixture : IAsyncLifetime
{
    private readonly List<PythonServer> _servers = [];

    public static string InteropDirectory => Path.Combine(AppContext.BaseDirectory, "Interop");

    /// <summary>PYTHONPATH holding the generated stubs and the scripts.</summary>
    public string PythonPath { get; private set; } = string.Empty;

    /// <summary>PEM files: the server's certificate and key, and ours as a client.</summary>
    public (string Certificate, string Key) ServerPem { get; private set; }

    public (string Certificate, string Key) ClientPem { get; private set; }

    public (string Certificate, string Key) StrangerPem { get; private set; }

    public Uri Cleartext { get; private set; } = null!;

    public Uri Tls { get; private set; } = null!;

    public Uri Compressing { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var stubs = await PythonGrpc.GenerateStubsAsync(Path.Combine(AppContext.BaseDirectory, "Protos"), "echo.proto");
        PythonPath = stubs + Path.PathSeparator + InteropDirectory;
        ServerPem = PemFiles.Write(TestCertificates.Server, stubs, "server");
        ClientPem = PemFiles.Write(TestCertificates.Client, stubs, "client");
        StrangerPem = PemFiles.Write(TestCertificates.Stranger, stubs, "stranger");
        var script = Path.Combine(InteropDirectory, "echo_server.py");
        Cleartext = new Uri($"http://127.0.0.1:{await StartAsync([script])}");
        Tls = new Uri($"https://127.0.0.1:{await StartAsync([script, "--tls", ServerPem.Certificate, ServerPem.Key, ClientPem.Certificate])}");
        Compressing = new Uri($"http://127.0.0.1:{await StartAsync([script, "--compress"])}");
    }

    public Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }

        return Task.CompletedTask;
    }

    private async Task<int> StartAsync(string[] arguments)
    {
        var server = await PythonGrpc.StartServerAsync(arguments, PythonPath);
        _servers.Add(server);
        return server.Port;
    }
}
