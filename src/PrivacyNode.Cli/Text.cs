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
}
