using System.Globalization;
using Microsoft.AspNetCore.Http;
using PrivacyNode.Contracts.V1;
using PrivacyNode.Node.Users;

namespace PrivacyNode.Node.WebConsole;

/// <summary>One request of a signed-in user: who, in which session and language, and how to show times to them.</summary>
public sealed class ConsoleRequest(HttpContext http, ConsoleServices services, LocalCaller caller, ConsoleSessions.Session session, string language)
{
    public HttpContext Http { get; } = http;

    public ConsoleServices Services { get; } = services;

    public LocalCaller Caller { get; } = caller;

    /// <summary>The token every form of this session carries back.</summary>
    public string FormToken => session.FormToken;

    /// <summary><c>zh-CN</c> or <c>en</c>.</summary>
    public string Language { get; } = language;

    public CancellationToken Aborted => Http.RequestAborted;

    /// <summary>The text called <paramref name="key"/> in this request's language.</summary>
    public string T(string key) => ConsoleText.Get(key, Language);

    /// <summary>A query string value, trimmed; null when absent or empty.</summary>
    public string? Query(string name) => Http.Request.Query[name].ToString().Trim() is { Length: > 0 } value ? value : null;

    /// <summary>A time in the node's time zone, to the second, with its UTC offset.</summary>
    public string Time(DateTimeOffset time)
    {
        var local = TimeZoneInfo.ConvertTime(time, Services.TimeZone);
        return local.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " " + Offset(local.Offset);
    }

    public string Time(long unixMs) => Time(DateTimeOffset.FromUnixTimeMilliseconds(unixMs));

    public string Time(Google.Protobuf.WellKnownTypes.Timestamp? time) => time is null ? "—" : Time(time.ToDateTimeOffset());

    /// <summary>Whether the user holds <paramref name="role"/>.</summary>
    public bool Is(Role role) => Caller.Role == role;

    private static string Offset(TimeSpan offset) =>
        "UTC" + (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString("hh\\:mm", CultureInfo.InvariantCulture);
}
