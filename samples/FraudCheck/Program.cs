using System.Globalization;
using PrivacyNode.Samples.FraudCheck;

// dotnet run --project samples/FraudCheck [-- --claims N] [--seed S] [--keep DIR]
const string Usage = "usage: FraudCheck [--claims N (12 to 1000000, default 2000)] [--seed S (default 2026)] [--keep DIR (keep nodes, data and audit exports there)]";
var (claims, seed, keep) = (2000, 2026, (string?)null);
for (var i = 0; i < args.Length; i++)
{
    var value = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--claims" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 12 and <= 1_000_000:
            claims = n;
            i++;
            break;
        case "--seed" when int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s):
            seed = s;
            i++;
            break;
        case "--keep" when !string.IsNullOrWhiteSpace(value):
            keep = Path.GetFullPath(value);
            i++;
            break;
        case "--help" or "-h":
            Console.WriteLine(Usage);
            return 0;
        default:
            Console.Error.WriteLine($"FraudCheck: bad argument '{args[i]}'{(value is null ? string.Empty : $" '{value}'")}.\n{Usage}");
            return 2;
    }
}

try
{
    return await new Scenario(Console.Out, claims, seed, keep).RunAsync(CancellationToken.None);
}
catch (ScenarioException ex)
{
    Console.Error.WriteLine($"FraudCheck: {ex.Message}");
    return 1;
}
