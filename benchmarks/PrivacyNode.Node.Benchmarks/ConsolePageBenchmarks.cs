using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Crypto.Signatures;
using PrivacyNode.Node.Audit;
using PrivacyNode.Node.Configuration;
using PrivacyNode.Node.Hosting;
using PrivacyNode.Node.Storage;
using PrivacyNode.Node.Users;

namespace PrivacyNode.Node.Benchmarks;

/// <summary>
/// The web console's audit pages, end to end over loopback HTTP as a signed-in auditor's browser asks for them, on a node whose
/// store is a copy of <see cref="BenchmarkLog"/> (10^6 records): query, rendering and transfer of one page of 50 records.
/// </summary>
public class ConsolePageBenchmarks : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pn-console-bench-").FullName;
    private NodeHost _host = null!;
    private HttpClient _browser = null!;

    /// <summary>Starts a node on a copy of the benchmark log, with an auditor signed in to its console.</summary>
    /// <remarks>Synchronous: in process, BenchmarkDotNet 0.14 does not wait for an asynchronous setup.</remarks>
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        var log = await BenchmarkLog.EnsureAsync();
        var directory = Path.Combine(_root, "bureau");
        await NodeInitializer.InitializeAsync(new NodeInitializer.Request("bureau", directory, PeerListen: "127.0.0.1:0", LocalListen: "127.0.0.1:0"), CancellationToken.None);
        File.Copy(Path.Combine(log, "node.db"), Path.Combine(directory, "node.db"), overwrite: true);
        var token = BearerToken.Create();
        await using (var database = await NodeDatabase.OpenAsync(new StorageOptions(), new DataDirectory(directory), CancellationToken.None))
        {
            using var key = Ed25519KeyPair.Generate();
            var users = new UserStore(database, new AuditLog(database, key, "bureau", TimeProvider.System), TimeProvider.System);
            await users.AddAsync("auditor", Role.Auditor, BearerToken.Hash(token), Actor.System, CancellationToken.None);
        }

        _host = await NodeHost.StartAsync(directory, configureLogging: logging => logging.SetMinimumLevel(LogLevel.Warning));
        _browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = _host.ConsoleAddress };
        _browser.DefaultRequestHeaders.Add("Origin", _host.ConsoleAddress!.GetLeftPart(UriPartial.Authority));
        var form = Regex.Match(await _browser.GetStringAsync("/signin"), "name=\"_form\" value=\"([^\"]+)\"").Groups[1].Value;
        var signedIn = await _browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["_form"] = form, ["token"] = token }));
        if (!(await signedIn.Content.ReadAsStringAsync()).Contains("table class=\"records\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The benchmark's auditor could not sign in to the console.");
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _browser.Dispose();
        _host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_root, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public Task<string> NewestPage() => PageAsync("/audit");

    [Benchmark]
    public Task<string> PageHalfWayDown() => PageAsync("/audit?before=500000");

    /// <summary>One actor of seven, half-way down.</summary>
    [Benchmark]
    public Task<string> ByActor() => PageAsync("/audit?actor=analyst-3&before=500000");

    /// <summary>A day in the middle of the log (a record a minute).</summary>
    [Benchmark]
    public Task<string> ByDay()
    {
        var day = DateTimeOffset.FromUnixTimeMilliseconds(BenchmarkLog.StartMs + (BenchmarkLog.Records / 2 * 60_000L));
        var text = TimeZoneInfo.ConvertTime(day, TimeZoneInfo.Local).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return PageAsync($"/audit?from={text}&to={text}");
    }

    /// <summary>Free text in one record of the 10^6, near the oldest end.</summary>
    [Benchmark]
    public Task<string> TextInOneRecord() => PageAsync("/audit?q=job-000017");

    /// <summary>One record with its checks (hash, chain, signature).</summary>
    [Benchmark]
    public Task<string> RecordPage() => PageAsync("/audit/records/500000");

    private async Task<string> PageAsync(string path)
    {
        using var response = await _browser.GetAsync(path);
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : throw new InvalidOperationException($"{path}: {response.StatusCode}");
    }
}
