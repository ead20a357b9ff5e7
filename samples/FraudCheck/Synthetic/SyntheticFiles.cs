using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace PrivacyNode.Samples.FraudCheck.Synthetic;

/// <summary>
/// Writes each agency's data where its own node reads it: the insurer's claims as CSV (with the formatting
/// noise of hand-keyed claims), the bureau's settlements in a SQLite database with three views, and the
/// operator's daily presence as CSV. The planted truth goes to a separate file only the report reads.
/// </summary>
internal static class SyntheticFiles
{
    public const string BureauTable = "settlements";
    public const string SettledInFullView = "settled_in_full";
    public const string OpenSettlementsView = "open_settlements";
    public const string FundPaidView = "fund_paid";

    private static readonly string[] ParameterNames = ["$id", "$person", "$hospital", "$admitted", "$discharged", "$total", "$fund", "$direct", "$self"];

    /// <summary>The files written, and how many rows each holds.</summary>
    public sealed record Written(string Claims, string BureauDatabase, string Presence, string Truth, int NoisyClaims, int PresenceRows);

    public static Written Write(Generator data, string directory, int seed)
    {
        var random = new Random(unchecked(seed * 31 + 7));
        foreach (var agency in (string[])["insurer", "bureau", "operator"])
        {
            Directory.CreateDirectory(Path.Combine(directory, agency));
        }

        var claims = Path.Combine(directory, "insurer", "claims.csv");
        var noisy = 0;
        using (var writer = new StreamWriter(claims, false, new UTF8Encoding(false)))
        {
            writer.WriteLine("claim_id,id_number,mobile,hospital,admitted,discharged,amount");
            foreach (var claim in data.Claims)
            {
                var stay = claim.Stay;
                var (id, mobile, admitted) = (stay.Patient.IdNumber, stay.Patient.Mobile, Iso(stay.Admitted));
                if (random.Next(100) < 12)
                {
                    noisy++;
                    (id, mobile, admitted) = random.Next(3) switch
                    {
                        0 => (NoisyId(random, id), mobile, admitted),
                        1 => (id, NoisyMobile(random, mobile), admitted),
                        _ => (id, mobile, NoisyDate(random, stay.Admitted)),
                    };
                }

                writer.WriteLine(string.Join(',', claim.Id, id, mobile, stay.Hospital.Code, admitted, Iso(stay.Discharged), Yuan(claim.Amount)));
            }
        }

        var bureau = Path.Combine(directory, "bureau", "bureau.db");
        WriteBureau(bureau, data.Settlements);

        var presence = Path.Combine(directory, "operator", "presence.csv");
        var rows = 0;
        using (var writer = new StreamWriter(presence, false, new UTF8Encoding(false)))
        {
            writer.WriteLine("mobile,day,city");
            foreach (var resident in data.Residents)
            {
                var where = data.Presence[resident];
                for (var d = 0; d < where.Length; d++, rows++)
                {
                    writer.WriteLine(string.Join(',', resident.Mobile, Iso(Generator.First.AddDays(d)), where[d]));
                }
            }
        }

        var truth = Path.Combine(directory, "truth.csv");
        File.WriteAllLines(truth, ["claim_id,planted", .. data.Claims.Select(c => $"{c.Id},{c.Planted}")]);
        return new Written(claims, bureau, presence, truth, noisy, rows);
    }

    private static void WriteBureau(string path, IReadOnlyList<Settlement> settlements)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = $"""
                CREATE TABLE {BureauTable} (settlement_id TEXT PRIMARY KEY, id_number TEXT NOT NULL, hospital TEXT NOT NULL,
                    admitted TEXT NOT NULL, discharged TEXT NOT NULL, total_cost TEXT NOT NULL, fund_paid TEXT NOT NULL,
                    direct_paid TEXT NOT NULL, self_paid TEXT NOT NULL);
                CREATE VIEW {SettledInFullView} AS SELECT settlement_id, id_number, hospital, admitted, discharged FROM {BureauTable} WHERE CAST(self_paid AS REAL) = 0;
                CREATE VIEW {OpenSettlementsView} AS SELECT settlement_id, id_number, hospital, admitted, discharged, self_paid FROM {BureauTable} WHERE CAST(self_paid AS REAL) > 0;
                CREATE VIEW {FundPaidView} AS SELECT settlement_id, id_number, hospital, admitted, discharged, fund_paid FROM {BureauTable};
                """;
            create.ExecuteNonQuery();
        }

        using var insert = connection.CreateCommand();
        insert.CommandText = $"INSERT INTO {BureauTable} VALUES ($id, $person, $hospital, $admitted, $discharged, $total, $fund, $direct, $self)";
        var parameters = ParameterNames.Select(name => insert.Parameters.Add(name, SqliteType.Text)).ToArray();
        foreach (var s in settlements)
        {
            string[] values = [s.Id, s.Patient.IdNumber, s.Hospital.Code, Iso(s.Admitted), Iso(s.Discharged), Yuan(s.Total), Yuan(s.FundPaid), Yuan(s.DirectPaid), Yuan(s.SelfPaid)];
            for (var i = 0; i < values.Length; i++)
            {
                parameters[i].Value = values[i];
            }

            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>An ID as a claim form may carry it: full-width digits, padding, a lower-case x.</summary>
    private static string NoisyId(Random random, string id) => random.Next(3) switch
    {
        0 => new string(id.Select(c => char.IsAsciiDigit(c) ? (char)(c + 0xFEE0) : c).ToArray()),
        1 when id.EndsWith('X') => id[..17] + "x",
        _ => " " + id + "\u3000",
    };

    private static string NoisyMobile(Random random, string mobile) => random.Next(3) switch
    {
        0 => $"+86 {mobile[..3]} {mobile[3..7]} {mobile[7..]}",
        1 => $"{mobile[..3]}-{mobile[3..7]}-{mobile[7..]}",
        _ => new string(mobile.Select(c => (char)(c + 0xFEE0)).ToArray()),
    };

    private static string NoisyDate(Random random, DateOnly date) => random.Next(3) switch
    {
        0 => date.ToString("yyyy/M/d", CultureInfo.InvariantCulture),
        1 => date.ToString("yyyy'年'M'月'd'日'", CultureInfo.InvariantCulture),
        _ => date.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
    };

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Yuan(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);
}
