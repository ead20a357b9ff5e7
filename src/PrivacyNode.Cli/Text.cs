using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using PrivacyNode.Contracts.V1;

namespace PrivacyNode.Cli;

/// <summary>How values read to people.</summary>
internal static class Text
{
    public static string Role(Role role) => role switch
    {
        Contracts.V1.Role.Admin => "admin",
        Contracts.V1.Role.Analyst => "analyst",
        Contracts.V1.Role.Auditor => "auditor",
        _ => "unknown",
    };

    public static Role ParseRole(string text) => text switch
    {
        "admin" => Contracts.V1.Role.Admin,
        "analyst" => Contracts.V1.Role.Analyst,
        "auditor" => Contracts.V1.Role.Auditor,
        _ => throw new CliException(Contracts.ExitCodes.Usage, $"Unknown role '{text}': use admin, analyst or auditor."),
    };

    public static string Time(Timestamp? time) =>
        time is null ? string.Empty : time.ToDateTimeOffset().ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>A comma-separated list, trimmed, without empty items.</summary>
    public static string[] List(string? text) =>
        (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>A date (<c>yyyy-MM-dd</c>, midnight UTC) or an ISO 8601 time.</summary>
    public static Timestamp ParseTime(string text, string option)
    {
        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
        {
            return Timestamp.FromDateTimeOffset(date);
        }

        throw new CliException(Contracts.ExitCodes.Usage, $"{option} '{text}' is not a date (yyyy-MM-dd) or an ISO 8601 time.");
    }

    public static string Sharing(Sharing sharing) => sharing switch
    {
        Contracts.V1.Sharing.Unconditional => "unconditional",
        Contracts.V1.Sharing.Conditional => "conditional",
        Contracts.V1.Sharing.NotShared => "not-shared",
        _ => "unknown",
    };

    public static string State(JobState state) => state.ToString().ToLowerInvariant();

    public static string State(RequestState state) => state.ToString().ToLowerInvariant();

    public static string State(GrantState state) => state.ToString().ToLowerInvariant();
}
