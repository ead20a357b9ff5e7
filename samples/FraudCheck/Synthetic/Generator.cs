namespace PrivacyNode.Samples.FraudCheck.Synthetic;

/// <summary>
/// A deterministic synthetic city: residents, the bureau's settled stays, the insurer's claims with planted
/// fraud, and where each resident's phone was each day. The same seed and size give the same data.
/// </summary>
internal sealed class Generator
{
    /// <summary>The period the claims, settlements and phone presence cover.</summary>
    public static readonly DateOnly First = new(2026, 9, 1);
    public static readonly DateOnly Last = new(2026, 10, 31);

    public required IReadOnlyList<Resident> Residents { get; init; }

    public required IReadOnlyList<Settlement> Settlements { get; init; }

    public required IReadOnlyList<Claim> Claims { get; init; }

    /// <summary>Where each resident's phone spent each day of the period, in the order of <see cref="Residents"/>.</summary>
    public required IReadOnlyDictionary<Resident, string[]> Presence { get; init; }

    /// <summary>
    /// <paramref name="claims"/> claims from as many residents, half as many again residents without a claim,
    /// and max(3, claims / 50) claims of each fraud kind.
    /// </summary>
    public static Generator Generate(int claims, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(claims, 12);
        var random = new Random(seed);
        var residents = MakeResidents(random, claims + claims / 2);
        var days = Last.DayNumber - First.DayNumber + 1;

        var perKind = Math.Max(3, claims / 50);
        var planted = new Fraud[claims];
        var order = Enumerable.Range(0, claims).OrderBy(_ => random.Next()).ToArray();
        for (var i = 0; i < 3 * perKind; i++)
        {
            planted[order[i]] = (Fraud)(1 + i / perKind);
        }

        var presence = new Dictionary<Resident, string[]>();
        var settlements = new List<Settlement>();
        var claimList = new List<Claim>();
        for (var r = 0; r < residents.Count; r++)
        {
            var person = residents[r];
            var where = Enumerable.Repeat(Hospital.HomeCity, days).ToArray();
            for (var trips = random.Next(3); trips > 0; trips--)
            {
                var start = random.Next(days);
                var city = Hospital.OtherCities[random.Next(Hospital.OtherCities.Count)];
                for (var d = start; d < Math.Min(days, start + 1 + random.Next(4)); d++)
                {
                    where[d] = city;
                }
            }

            var fraud = r < claims ? planted[r] : Fraud.None;
            var hospital = fraud == Fraud.PhantomStay || random.Next(100) < 85
                ? Hospital.All[random.Next(5)]
                : Hospital.All[5 + random.Next(2)];
            var length = fraud == Fraud.PhantomStay ? 3 + random.Next(8) : 1 + random.Next(12);
            var admittedDay = random.Next(days - length + 1);
            var elsewhere = Hospital.OtherCities[random.Next(Hospital.OtherCities.Count)];
            for (var d = admittedDay; d < admittedDay + length; d++)
            {
                where[d] = fraud == Fraud.PhantomStay ? elsewhere : hospital.City;
            }

            presence.Add(person, where);
            var total = Money(random, 3_000, 80_000);
            var fund = decimal.Round(total * (55 + random.Next(21)) / 100m, 2);
            var inFull = fraud == Fraud.DoubleReimbursement || (r >= claims && random.Next(4) == 0);
            var stay = new Settlement($"STL-{r + 1:D7}", person, hospital, First.AddDays(admittedDay), First.AddDays(admittedDay + length - 1),
                total, fund, inFull ? total - fund : 0);
            settlements.Add(stay);
            if (r < claims)
            {
                var basis = total - fund;
                var share = fraud == Fraud.InflatedAmount ? 120 + random.Next(81) : 50 + random.Next(51);
                claimList.Add(new Claim($"CLM-2026-{r + 1:D6}", stay, decimal.Round(basis * share / 100m, 2), fraud));
            }
        }

        // The bureau's table is in settlement order, not in the insurer's claim order.
        return new Generator
        {
            Residents = residents,
            Settlements = [.. settlements.OrderBy(_ => random.Next())],
            Claims = claimList,
            Presence = presence,
        };
    }

    private static List<Resident> MakeResidents(Random random, int count)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var mobiles = new HashSet<string>(StringComparer.Ordinal);
        string[] prefixes = ["138", "139", "150", "151", "157", "158", "159", "182", "187", "188", "133", "153", "180", "189", "130", "131", "155", "186"];
        var residents = new List<Resident>(count);
        while (residents.Count < count)
        {
            var id = ResidentIds.Make(random, random.Next(1000));
            var mobile = prefixes[random.Next(prefixes.Length)] + random.Next(100_000_000).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
            if (ids.Add(id) && mobiles.Add(mobile))
            {
                residents.Add(new Resident(id, mobile));
            }
        }

        return residents;
    }

    private static decimal Money(Random random, int from, int to) => random.Next(from, to) + random.Next(100) / 100m;
}
