using Microsoft.Extensions.Configuration;

namespace PrivacyNode.Node.Configuration;

/// <summary>
/// Reads the node's configuration: node.json in the data directory, then environment variables prefixed
/// <c>PRIVACYNODE_</c> (<c>PRIVACYNODE_Node__LocalEndpoint__Listen=127.0.0.1:7081</c>), then explicit
/// overrides; later sources win. Validates everything before the node starts.
/// </summary>
public static class NodeConfiguration
{
    public const string EnvironmentPrefix = "PRIVACYNODE_";

    /// <summary>Builds the configuration of <paramref name="directory"/> (assumed usable).</summary>
    public static IConfigurationRoot Build(DataDirectory directory, IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        try
        {
            return new ConfigurationBuilder()
                .AddJsonFile(directory.ConfigurationFile, optional: false, reloadOnChange: false)
                .AddEnvironmentVariables(EnvironmentPrefix)
                .AddInMemoryCollection(overrides ?? [])
                .Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException)
        {
            throw new NodeException($"Cannot read {directory.ConfigurationFile}: {ex.Message}", ex);
        }
    }

    /// <summary>Binds and validates the <c>Node</c> section.</summary>
    /// <exception cref="NodeException">A setting is missing or invalid; the message names it.</exception>
    public static NodeOptions Bind(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        NodeOptions options;
        try
        {
            options = configuration.GetSection("Node").Get<NodeOptions>(o => o.ErrorOnUnknownConfiguration = true) ?? new NodeOptions();
        }
        catch (InvalidOperationException ex)
        {
            throw new NodeException($"Invalid configuration: {ex.Message}", ex);
        }

        NodeName.Validate(options.Name, "Node:Name");
        EndpointAddress.Parse(options.PeerEndpoint.Listen, "Node:PeerEndpoint:Listen");
        var local = EndpointAddress.Parse(options.LocalEndpoint.Listen, "Node:LocalEndpoint:Listen");
        if (!System.Net.IPAddress.IsLoopback(local.Address))
        {
            throw new NodeException($"Node:LocalEndpoint:Listen must be a loopback address (127.0.0.1 or [::1]): bearer tokens travel over it in clear text. Got '{options.LocalEndpoint.Listen}'.");
        }

        if (options.LocalEndpoint.CallsPerUserPerSecond is < 0 or > 100_000)
        {
            throw new NodeException($"Node:LocalEndpoint:CallsPerUserPerSecond must be between 0 (unpaced) and 100000; got {options.LocalEndpoint.CallsPerUserPerSecond}.");
        }

        if (options.Console.Listen is { } console && !System.Net.IPAddress.IsLoopback(EndpointAddress.Parse(console, "Node:Console:Listen").Address))
        {
            throw new NodeException($"Node:Console:Listen must be a loopback address (127.0.0.1 or [::1]): tokens and session cookies travel over it in clear text. Got '{console}'.");
        }

        if (options.Console.Language is not ("en" or "zh-CN"))
        {
            throw new NodeException($"Node:Console:Language must be 'zh-CN' or 'en'; got '{options.Console.Language}'.");
        }

        if (options.Console.TimeZone is { } zone && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            throw new NodeException($"Node:Console:TimeZone '{zone}' is not a time zone this machine knows (use an IANA id such as Asia/Shanghai).");
        }

        if (options.Console.IdleMinutes is < 1 or > 1440)
        {
            throw new NodeException($"Node:Console:IdleMinutes must be between 1 and 1440; got {options.Console.IdleMinutes}.");
        }

        if (options.PeerEndpoint.Advertise is { } advertise && !IsHostPort(advertise))
        {
            throw new NodeException($"Node:PeerEndpoint:Advertise must be 'host:port'; got '{advertise}'.");
        }

        if (options.MaxMessageBytes is < 64 * 1024 or > 256 * 1024 * 1024)
        {
            throw new NodeException($"Node:MaxMessageBytes must be between 65536 and 268435456; got {options.MaxMessageBytes}.");
        }

        switch (options.Storage.Provider.ToLowerInvariant())
        {
            case "sqlite":
                break;
            case "postgresql":
                if (string.IsNullOrWhiteSpace(options.Storage.ConnectionString))
                {
                    throw new NodeException("Node:Storage:Provider 'postgresql' needs Node:Storage:ConnectionString (an Npgsql connection string, for example 'Host=127.0.0.1;Database=privacynode;Username=pn;Password=...').");
                }

                break;
            default:
                throw new NodeException($"Node:Storage:Provider '{options.Storage.Provider}' is not supported; use 'sqlite' or 'postgresql'.");
        }

        if (options.Access.ResponseWorkingDays is < 1 or > 60)
        {
            throw new NodeException($"Node:Access:ResponseWorkingDays must be between 1 and 60; got {options.Access.ResponseWorkingDays}.");
        }

        if (options.Access.MaxSumUses is < 1 or > 1_000_000)
        {
            throw new NodeException($"Node:Access:MaxSumUses must be between 1 and 1000000; got {options.Access.MaxSumUses}.");
        }

        if (options.Jobs.ResultRetentionDays is < 1 or > 3650)
        {
            throw new NodeException($"Node:Jobs:ResultRetentionDays must be between 1 and 3650; got {options.Jobs.ResultRetentionDays}.");
        }

        if (options.Jobs.PsiKeyLifetimeDays is < 1 or > 365)
        {
            throw new NodeException($"Node:Jobs:PsiKeyLifetimeDays must be between 1 and 365; got {options.Jobs.PsiKeyLifetimeDays}.");
        }

        if (options.Jobs.TimeoutMinutes is < 1 or > 10080)
        {
            throw new NodeException($"Node:Jobs:TimeoutMinutes must be between 1 and 10080; got {options.Jobs.TimeoutMinutes}.");
        }

        if (options.Jobs.PeerIdleSeconds is < 1 or > 86_400)
        {
            throw new NodeException($"Node:Jobs:PeerIdleSeconds must be between 1 and 86400; got {options.Jobs.PeerIdleSeconds}.");
        }

        if (options.Jobs.MinRequesterSetSize is < 1 or > 1_000_000_000)
        {
            throw new NodeException($"Node:Jobs:MinRequesterSetSize must be between 1 and 1000000000; got {options.Jobs.MinRequesterSetSize}.");
        }

        return options;
    }

    private static bool IsHostPort(string text)
    {
        var colon = text.LastIndexOf(':');
        return colon > 0 && colon < text.Length - 1
            && int.TryParse(text.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            && port is > 0 and <= 65535;
    }
}
