using System.Globalization;

namespace PrivacyNode.Node.WebConsole;

/// <summary>A stacked bar chart of counts per day, drawn as SVG by the node (no script, no library), with a legend.</summary>
public static class SvgChart
{
    /// <summary>Series beyond this many are summed into the last, "other".</summary>
    public const int MaxSeries = 8;

    private const int Width = 720, Height = 200, Left = 36, Bottom = 22, Top = 8;
    private static readonly string[] Colours = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#0891b2", "#dc2626", "#65a30d", "#6b7280"];

    /// <summary>
    /// Bars for <paramref name="days"/>, each stacked from <paramref name="counts"/> (series name, day index, count). Series are
    /// ordered by their total, the smallest beyond <see cref="MaxSeries"/> put together as <paramref name="other"/>.
    /// </summary>
    public static Html Stacked(string label, IReadOnlyList<DateOnly> days, IEnumerable<(string Series, int Day, int Count)> counts, string other, string empty)
    {
        ArgumentNullException.ThrowIfNull(days);
        ArgumentNullException.ThrowIfNull(counts);
        var list = counts.ToList();
        var totals = list.GroupBy(c => c.Series).Select(g => (Series: g.Key, Total: g.Sum(c => c.Count))).OrderByDescending(s => s.Total).ThenBy(s => s.Series, StringComparer.Ordinal).ToList();
        var kept = totals.Take(totals.Count > MaxSeries ? MaxSeries - 1 : MaxSeries).Select(s => s.Series).ToList();
        var series = totals.Count > MaxSeries ? [.. kept, other] : kept;
        var grid = new int[series.Count, days.Count];
        foreach (var (name, day, count) in list)
        {
            var index = kept.IndexOf(name);
            grid[index < 0 ? series.Count - 1 : index, day] += count;
        }

        var dayTotals = Enumerable.Range(0, days.Count).Select(d => Enumerable.Range(0, series.Count).Sum(s => grid[s, d])).ToList();
        var max = Math.Max(1, dayTotals.DefaultIfEmpty(0).Max());
        var slot = (Width - Left) / (double)days.Count;
        var bars = new List<Html>();
        for (var d = 0; d < days.Count; d++)
        {
            var y = (double)(Height - Bottom);
            for (var s = 0; s < series.Count; s++)
            {
                if (grid[s, d] == 0)
                {
                    continue;
                }

                var h = grid[s, d] * (Height - Bottom - Top) / (double)max;
                y -= h;
                bars.Add(Html.Of($"<rect x=\"{N(Left + (d * slot) + (slot * 0.15))}\" y=\"{N(y)}\" width=\"{N(slot * 0.7)}\" height=\"{N(h)}\" fill=\"{Colours[s % Colours.Length]}\"><title>{days[d].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} · {series[s]}: {grid[s, d]}</title></rect>"));
            }

            if (d % Math.Max(1, days.Count / 7) == 0 || d == days.Count - 1)
            {
                bars.Add(Html.Of($"<text x=\"{N(Left + (d * slot) + (slot / 2))}\" y=\"{Height - 6}\" text-anchor=\"middle\">{days[d].ToString("MM-dd", CultureInfo.InvariantCulture)}</text>"));
            }
        }

        var legend = Html.Join(series.Select((name, s) => (name, s)), e => Html.Of($"""
            <li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="{Colours[e.s % Colours.Length]}"/></svg> {e.name}</li>
            """));
        return Html.Of($"""
            <figure class="chart">
              <svg viewBox="0 0 {Width} {Height}" role="img" aria-label="{label}">
                <line x1="{Left}" y1="{Height - Bottom}" x2="{Width}" y2="{Height - Bottom}" stroke="#9ca3af"/>
                <text x="{Left - 4}" y="{Top + 8}" text-anchor="end">{max}</text><text x="{Left - 4}" y="{Height - Bottom}" text-anchor="end">0</text>
                {Html.Join(bars, b => b)}
              </svg>
              <figcaption>{label}{(series.Count == 0 ? Html.Of($" — {empty}") : Html.Empty)}</figcaption>
              <ul class="legend">{legend}</ul>
            </figure>
            """);
    }

    private static string N(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
}
