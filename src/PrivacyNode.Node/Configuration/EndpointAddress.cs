using System.Globalization;
using System.Net;

namespace PrivacyNode.Node.Configuration;

/// <summary>Parses <c>ip:port</c> bind addresses (<c>localhost</c> means 127.0.0.1; IPv6 in brackets).</summary>
public static class EndpointAddress
{
    /// <exception cref="NodeException">The text is not <c>ip:port</c>; the message names the setting.</exception>
    public static IPEndPoint Parse(string? text, string setting)
    {
        if (!string.IsNullOrWhiteSpace(text))
        {
            var colon = text.LastIndexOf(':');
            if (colon > 0 && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535)
            {
                var host = text[..colon].Trim('[', ']');
                if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
                {
                    return new IPEndPoint(IPAddress.Loopback, port);
                }

                if (IPAddress.TryParse(host, out var ip))
                {
                    return new IPEndPoint(ip, port);
                }
            }
        }

        throw new NodeException($"{setting} must be 'ip:port' (for example 0.0.0.0:7443 or [::1]:7080); got '{text}'.");
    }

    /// <summary>Formats an endpoint as <c>host:port</c>, bracketing IPv6.</summary>
    public static string Format(string host, int port) =>
        host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port.ToString(CultureInfo.InvariantCulture)}" : $"{host}:{port.ToString(CultureInfo.InvariantCulture)}";
}
