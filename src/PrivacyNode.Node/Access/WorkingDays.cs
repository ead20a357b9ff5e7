namespace PrivacyNode.Node.Access;

/// <summary>Response deadlines in working days (Monday to Friday, UTC; public holidays are not modelled).</summary>
public static class WorkingDays
{
    /// <summary>The moment <paramref name="days"/> working days after <paramref name="start"/>.</summary>
    public static DateTimeOffset Add(DateTimeOffset start, int days)
    {
        var result = start;
        var added = 0;
        while (added < days)
        {
            result = result.AddDays(1);
            if (result.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                added++;
            }
        }

        return result;
    }

    /// <summary>
    /// Whole working days from <paramref name="now"/> to <paramref name="deadline"/>: how many Monday-to-Friday days begin after
    /// now and no later than the deadline; negative, the working days since a deadline that passed.
    /// </summary>
    public static int Left(DateTimeOffset now, DateTimeOffset deadline)
    {
        var (from, to, sign) = deadline >= now ? (now, deadline, 1) : (deadline, now, -1);
        var count = 0;
        for (var day = from.AddDays(1); day <= to; day = day.AddDays(1))
        {
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                count++;
            }
        }

        return sign * count;
    }
}
