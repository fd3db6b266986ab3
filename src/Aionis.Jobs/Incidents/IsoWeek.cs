using System.Globalization;
using System.Text.RegularExpressions;

namespace Aionis.Jobs.Incidents;

/// <summary>An ISO-8601 week (Monday 00:00 UTC to the next Monday), written <c>2026-W47</c>.</summary>
public sealed partial record IsoWeek(int Year, int Week)
{
    public DateTimeOffset Start => new(ISOWeek.ToDateTime(Year, Week, DayOfWeek.Monday), TimeSpan.Zero);
    public DateTimeOffset End => Start.AddDays(7);

    /// <summary>The file-name form <c>YYYY-WW</c>.</summary>
    public string FileStem => $"{Year:0000}-{Week:00}";

    public override string ToString() => $"{Year:0000}-W{Week:00}";

    /// <summary>Parses <c>YYYY-Www</c>; null and a reason when the text is malformed or the year has no such week.</summary>
    public static IsoWeek? Parse(string text, out string? problem)
    {
        problem = null;
        var match = Pattern().Match(text.Trim());
        if (!match.Success)
        {
            problem = "expected an ISO week like 2026-W47";
            return null;
        }
        var year = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var week = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        var weeks = ISOWeek.GetWeeksInYear(year);
        if (year < 1 || week < 1 || week > weeks)
        {
            problem = $"{year} has ISO weeks 1..{weeks}";
            return null;
        }
        return new IsoWeek(year, week);
    }

    /// <summary>The ISO week containing <paramref name="at"/> (UTC).</summary>
    public static IsoWeek Of(DateTimeOffset at) => new(ISOWeek.GetYear(at.UtcDateTime), ISOWeek.GetWeekOfYear(at.UtcDateTime));

    /// <summary>The last week that has fully ended at <paramref name="now"/>.</summary>
    public static IsoWeek LastFull(DateTimeOffset now) => Of(Of(now).Start.AddDays(-7));

    [GeneratedRegex(@"^(\d{4})-W(\d{2})$")]
    private static partial Regex Pattern();
}
