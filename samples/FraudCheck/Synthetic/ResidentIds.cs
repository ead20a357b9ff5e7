using System.Globalization;

namespace PrivacyNode.Samples.FraudCheck.Synthetic;

/// <summary>Synthetic resident ID numbers (GB 11643): a Changzhou district code, a birth date, a sequence number and the check character.</summary>
internal static class ResidentIds
{
    private static readonly string[] Districts = ["320402", "320404", "320411", "320412", "320413", "320481"];
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    /// <summary>A valid ID; <paramref name="serial"/> (0 to 999) keeps IDs with the same district and birth date apart.</summary>
    public static string Make(Random random, int serial)
    {
        var birth = new DateOnly(1945, 1, 1).AddDays(random.Next(365 * 55));
        var body = string.Concat(
            Districts[random.Next(Districts.Length)],
            birth.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
            serial.ToString("D3", CultureInfo.InvariantCulture));
        return body + CheckCharacter(body);
    }

    /// <summary>The GB 11643 check character of the first 17 digits.</summary>
    public static char CheckCharacter(string body) => "10X98765432"[body.Select((c, i) => (c - '0') * Weights[i]).Sum() % 11];
}
