using System.Text.Json.Nodes;
using PrivacyNode.Node.Hosting;

namespace PrivacyNode.Node.Tests.Configuration;

/// <summary>A node refuses to start from a data directory or configuration it cannot trust, and says why.</summary>
public sealed class NodeStartupTests
{
    private readonly string _root = Directory.CreateTempSubdirectory("pn-start-").FullName;

    [Fact]
    public async Task Start_MissingDirectory_SaysHowToCreateOne()
    {
        var ex = await Assert.ThrowsAsync<NodeException>(() => NodeHost.StartAsync(Path.Combine(_root, "nothing")));

        Assert.Contains("privacynode init", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ForeignDirectory_IsRefused()
    {
        var path = Directory.CreateDirectory(Path.Combine(_root, "photos")).FullName;
        await File.WriteAllTextAsync(Path.Combine(path, "cat.jpg"), "meow");

        var ex = await Assert.ThrowsAsync<NodeException>(() => NodeHost.StartAsync(path));

        Assert.Contains("not a PrivacyNode data directory", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("{\"Node\":{}}", "no \"Format\"")]
    [InlineData("{\"Format\":99,\"Node\":{}}", "newer than this software")]
    [InlineData("{\"Format\":\"one\",\"Node\":{}}", "invalid \"Format\"")]
    public async Task Start_BadNodeJson_IsRefused(string json, string expected)
    {
        var path = await InitAsync("bureau");
        await File.WriteAllTextAsync(Path.Combine(path, "node.json"), json);

        var ex = await Assert.ThrowsAsync<NodeException>(() => NodeHost.StartAsync(path));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Node:LocalEndpoint:Listen", "0.0.0.0:7080", "loopback")]
    [InlineData("Node:PeerEndpoint:Listen", "somewhere:7443", "PeerEndpoint:Listen")]
    [InlineData("Node:PeerEndpoint:Advertise", "no-port", "Advertise")]
    [InlineData("Node:MaxMessageBytes", "10", "MaxMessageBytes")]
    [InlineData("Node:MaxMessageBytes", "lots", "Invalid configuration")]
    [InlineData("Node:Storage:Provider", "oracle", "not supported")]
    [InlineData("Node:Name", "someone-else", "does not match")]
    [InlineData("Node:Unknown", "1", "Invalid configuration")]
    [InlineData("Node:Console:Listen", "0.0.0.0:7081", "Console:Listen must be a loopback")]
    [InlineData("Node:Console:Listen", "console", "Console:Listen must be 'ip:port'")]
    [InlineData("Node:Console:Language", "fr", "'zh-CN' or 'en'")]
    [InlineData("Node:Console:TimeZone", "Mars/Olympus", "not a time zone")]
    [InlineData("Node:Console:IdleMinutes", "0", "IdleMinutes")]
    [InlineData("Node:LocalEndpoint:CallsPerUserPerSecond", "-1", "CallsPerUserPerSecond")]
    public async Task Start_InvalidSetting_NamesIt(string key, string value, string expected)
    {
        var path = await InitAsync("bureau");

        var ex = await Assert.ThrowsAsync<NodeException>(() => NodeHost.StartAsync(path, [new(key, value)]));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_CorruptIdentity_IsRefused()
    {
        var path = await InitAsync("bureau");
        await File.WriteAllTextAsync(Path.Combine(path, "identity.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");

        var ex = await Assert.ThrowsAsync<NodeException>(() => NodeHost.StartAsync(path));

        Assert.Contains("identity", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PortInUse_IsRefusedClearly()
    {
        await using var first = await Testing.TestNode.StartAsync("first", _root);
        var path = await InitAsync("second");

        var ex = await Assert.ThrowsAsync<NodeException>(() =>
            NodeHost.StartAsync(path, [new("Node:LocalEndpoint:Listen", first.Host.LocalAddress.Authority), new("Node:PeerEndpoint:Listen", "127.0.0.1:0")]));

        Assert.Contains("Cannot listen", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Console_IsBesideTheLocalEndpoint_OrOff()
    {
        var path = await InitAsync("bureau");
        await using (var host = await NodeHost.StartAsync(path, [new("Node:Console:TimeZone", "Asia/Shanghai"), new("Node:Console:Language", "zh-CN")], _ => { }))
        {
            Assert.True(System.Net.IPAddress.IsLoopback(System.Net.IPAddress.Parse(host.ConsoleAddress!.Host)));
            Assert.NotEqual(host.LocalAddress.Port, host.ConsoleAddress.Port);
            Assert.Equal(host.ConsoleAddress.ToString(), Contracts.NodeRuntimeInfo.TryRead(path)!.Console);
            using var http = new HttpClient();
            var page = await http.GetStringAsync(new Uri(host.ConsoleAddress, "signin"));
            Assert.Contains("<html lang=\"zh-CN\">", page, StringComparison.Ordinal);
        }

        await using var off = await NodeHost.StartAsync(path, [new("Node:Console:Enabled", "false")], _ => { });
        Assert.Null(off.ConsoleAddress);
        Assert.Null(Contracts.NodeRuntimeInfo.TryRead(path)!.Console);
    }

    [Fact]
    public async Task Start_EnvironmentVariableStyleOverride_Wins()
    {
        var path = await InitAsync("bureau");
        var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(path, "node.json")))!;
        Assert.Equal("127.0.0.1:0", config["Node"]!["LocalEndpoint"]!["Listen"]!.GetValue<string>());

        await using var host = await NodeHost.StartAsync(path, [new("Node:PeerEndpoint:Advertise", "bureau.example.gov.cn:443")], _ => { });

        Assert.Equal("bureau.example.gov.cn:443", host.Self.AdvertisedAddress);
    }

    private async Task<string> InitAsync(string name)
    {
        var path = Path.Combine(_root, name);
        await NodeInitializer.InitializeAsync(new NodeInitializer.Request(name, path, PeerListen: "127.0.0.1:0", LocalListen: "127.0.0.1:0"), CancellationToken.None);
        return path;
    }
}
