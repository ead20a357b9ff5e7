using System.Globalization;
using PrivacyNode.Node.Configuration;

namespace PrivacyNode.Node.Identity;

/// <summary>
/// What one node gives another's operator to pair: its name, the address of its peer endpoint and the
/// fingerprint of its certificate, as one copy-pasteable line
/// <c>privacynode://name@host:port?fp=sha256:&lt;hex&gt;</c>. Trust comes from the fingerprint; the line
/// must travel over a channel both operators trust (in person, signed mail, phone read-back).
/// </summary>
public sealed record Invitation(string Name, string Host, int Port, byte[] Fingerprint)
{
    private const string Scheme = "privacynode";

    /// <summary>The peer endpoint as <c>host:port</c> (IPv6 hosts in brackets).</summary>
    public string Address => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Scheme}://{Name}@{Address}?fp={Identity.Fingerprint.Format(Fingerprint)}");

    /// <summary>Parses an invitation line.</summary>
    /// <exception cref="FormatException">The line is not a valid invitation; the message says which part is wrong.</exception>
    public static Invitation Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        if (!text.StartsWith(Scheme + "://", StringComparison.Ordinal))
        {
            throw new FormatException($"An invitation starts with '{Scheme}://' (got '{Shorten(text)}'). Copy the whole line printed by 'privacynode invite'.");
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            throw new FormatException("The invitation is not a well-formed line; copy it again in full.");
        }

        var name = Uri.UnescapeDataString(uri.UserInfo);
        if (!NodeName.IsValid(name))
        {
            throw new FormatException($"The invitation's node name '{name}' is missing or invalid (expected name@host:port).");
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException("The invitation has no host (expected name@host:port).");
        }

        var authority = text[(Scheme.Length + 3)..].Split(['/', '?', '#'])[0];
        if (uri.IsDefaultPort || uri.Port <= 0 || !authority.Contains(':', StringComparison.Ordinal) || authority.EndsWith(':'))
        {
            throw new FormatException("The invitation has no port (expected name@host:port).");
        }

        if (uri.AbsolutePath is not ("/" or "") || uri.Fragment.Length > 0)
        {
            throw new FormatException("The invitation has unexpected text after the address.");
        }

        var query = uri.Query.TrimStart('?');
        if (!query.StartsWith("fp=", StringComparison.Ordinal) || query.Contains('&', StringComparison.Ordinal)
            || !Identity.Fingerprint.TryParse(Uri.UnescapeDataString(query[3..]), out var fingerprint))
        {
            throw new FormatException("The invitation's certificate fingerprint is missing or malformed (expected ?fp=sha256:<64 hex digits>).");
        }

        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.Host;
        return new Invitation(name, host, uri.Port, fingerprint);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
