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
}
