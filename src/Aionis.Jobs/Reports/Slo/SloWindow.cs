using System.Globalization;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Reports.Slo;

/// <summary>The report's window: a calendar month (UTC) or the last N days, half-open [From, To).</summary>
public sealed record SloWindow(string Label, DateTimeOffset From, DateTimeOffset To)
{
    public const string LastMonth = "last";

    public static SloWindow Of(SloReportOptions options, DateTimeOffset now)
    {
        if (options.Month is { } month)
        {
            var first = month == LastMonth
                ? new DateTime(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(-1)
                : DateTime.ParseExact(month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            var from = new DateTimeOffset(first, TimeSpan.Zero);
            return new SloWindow(from.ToString("yyyy-MM", CultureInfo.InvariantCulture), from, from.AddMonths(1));
        }
        var days = options.WindowDays;
        return new SloWindow($"last {days} days", now - TimeSpan.FromDays(days), now);
    }

    /// <summary>Every UTC day the window touches, in order.</summary>
    public IReadOnlyList<DateOnly> Days()
    {
        var days = new List<DateOnly>();
        for (var d = DateOnly.FromDateTime(From.UtcDateTime); d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) < To.UtcDateTime; d = d.AddDays(1)) days.Add(d);
        return days;
    }

    /// <summary>The UTC days wholly inside the window (what a once-a-day task was scheduled on).</summary>
    public IReadOnlyList<DateOnly> WholeDays() => Days()
        .Where(d => d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) >= From.UtcDateTime && d.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) <= To.UtcDateTime)
        .ToList();

    public static string? Problem(string month) =>
        month == LastMonth || DateTime.TryParseExact(month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? null
            : "expected a month YYYY-MM (e.g. 2026-11) or 'last' (the previous calendar month)";

    public static OptionError? Check(SloReportOptions o) =>
        o.Month is { } m && Problem(m) is { } p ? new OptionError("month", m, p) : null;
}
