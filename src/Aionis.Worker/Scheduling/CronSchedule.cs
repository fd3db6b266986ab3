using Quartz;

namespace Aionis.Worker.Scheduling;

/// <summary>
/// Turns the registry's schedule forms into a Quartz cron expression: 5-field cron (minute hour day-of-month month
/// day-of-week, Sunday = 0 or 7), 6/7-field Quartz cron as is, and @hourly, @daily, @weekly, @monthly.
/// </summary>
public static class CronSchedule
{
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

    public static bool TryToQuartz(string schedule, out string quartz, out string? problem)
    {
        quartz = "";
        problem = null;
        var text = schedule.Trim();
        var converted = text switch
        {
            "@hourly" => "0 0 * * * ?",
            "@daily" or "@midnight" => "0 0 0 * * ?",
            "@weekly" => "0 0 0 ? * SUN",
            "@monthly" => "0 0 0 1 * ?",
            _ when text.StartsWith('@') => null,
            _ => FromFields(text.Split(' ', StringSplitOptions.RemoveEmptyEntries), out problem),
        };
        if (converted is null)
        {
            problem ??= $"'{schedule}' is not a schedule: use 5-field cron, 6/7-field Quartz cron, or @hourly/@daily/@weekly/@monthly";
            return false;
        }
        try
        {
            CronExpression.Parse(converted);
        }
        catch (FormatException e)
        {
            problem = $"'{schedule}' is not a valid cron expression: {e.Message}";
            return false;
        }
        quartz = converted;
        return true;
    }

    private static string? FromFields(string[] fields, out string? problem)
    {
        problem = null;
        switch (fields.Length)
        {
            case 6 or 7:
                return string.Join(' ', fields);
            case 5:
                var (minute, hour, dom, month, dow) = (fields[0], fields[1], fields[2], fields[3], fields[4]);
                problem = OutOfRange(minute, "minute", 0, 59) ?? OutOfRange(hour, "hour", 0, 23) ?? OutOfRange(dom, "day of month", 1, 31)
                    ?? OutOfRange(month, "month", 1, 12) ?? OutOfRange(dow, "day of week", 0, 7);
                if (problem is not null) return null;
                if (dom != "*" && dom != "?" && dow != "*" && dow != "?")
                {
                    problem = "give either a day of month or a day of week, not both (Quartz cannot combine them)";
                    return null;
                }
                var quartzDow = dow == "*" ? "?" : DayOfWeek(dow);
                var quartzDom = dow == "*" ? dom : "?";
                return $"0 {minute} {hour} {quartzDom} {month} {quartzDow}";
            default:
                problem = $"expected 5 fields (or 6/7 for Quartz cron), found {fields.Length}";
                return null;
        }
    }

    /// <summary>Quartz lets some out-of-range numbers through (hour 99); catch them in the 5-field form.</summary>
    private static string? OutOfRange(string field, string name, int min, int max)
    {
        foreach (var token in field.Split([',', '-', '/']))
        {
            if (int.TryParse(token, out var n) && (n < min || n > max) && !field.Contains($"/{token}", StringComparison.Ordinal))
            {
                return $"{name} {n} is out of range {min}-{max}";
            }
        }
        return null;
    }

    /// <summary>cron numbers days 0-7 from Sunday; Quartz 1-7. Names avoid the ambiguity.</summary>
    private static string DayOfWeek(string field) =>
        string.Join(',', field.Split(',').Select(part =>
        {
            var step = part.Split('/', 2);
            var range = string.Join('-', step[0].Split('-').Select(d => int.TryParse(d, out var n) && n is >= 0 and <= 7 ? DayNames[n] : d.ToUpperInvariant()));
            return step.Length == 2 ? $"{range}/{step[1]}" : range;
        }));

    /// <summary>True when the expression has no fire time after <paramref name="now"/> (30 February, a past year).</summary>
    public static bool NeverFires(string quartzCron, TimeZoneInfo zone, DateTimeOffset now) =>
        new CronExpression(quartzCron, zone).GetNextValidTimeAfter(now) is null;

    /// <summary>The typical gap between fires, for overdue detection (twice it = overdue).</summary>
    public static TimeSpan Period(string quartzCron, TimeZoneInfo zone, DateTimeOffset from)
    {
        var cron = new CronExpression(quartzCron, zone);
        var first = cron.GetNextValidTimeAfter(from);
        var second = first is { } f ? cron.GetNextValidTimeAfter(f) : null;
        return first is { } a && second is { } b ? b - a : TimeSpan.FromDays(1);
    }
}
