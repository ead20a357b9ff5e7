namespace PrivacyNode.Samples.FraudCheck.Synthetic;

/// <summary>A hospital the insured are treated at, with the city it is in.</summary>
internal sealed record Hospital(string Code, string Name, string City)
{
    public const string HomeCity = "Changzhou";

    /// <summary>Mostly Changzhou hospitals, and the referral hospitals in Nanjing and Shanghai.</summary>
    public static IReadOnlyList<Hospital> All { get; } =
    [
        new("H320402001", "Changzhou No.1 People's Hospital", HomeCity),
        new("H320402002", "Changzhou No.2 People's Hospital", HomeCity),
        new("H320404001", "Changzhou Hospital of Traditional Chinese Medicine", HomeCity),
        new("H320411001", "Changzhou No.3 People's Hospital", HomeCity),
        new("H320412001", "Wujin People's Hospital", HomeCity),
        new("H320100001", "Jiangsu Province Hospital", "Nanjing"),
        new("H310000001", "Zhongshan Hospital, Fudan University", "Shanghai"),
    ];

    /// <summary>Where the insured travel to.</summary>
    public static IReadOnlyList<string> OtherCities { get; } = ["Nanjing", "Shanghai", "Wuxi", "Suzhou", "Hangzhou"];

    public static Hospital ByCode(string code) => All.First(h => h.Code == code);
}
