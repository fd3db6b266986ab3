using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Quartz;
using Quartz.Impl.Calendar;

namespace Aionis.Worker.Scheduling;

/// <summary>The kinds of the registry's <c>calendars:</c>, each one of Quartz's own calendars.</summary>
public enum CalendarKind { Holiday, Annual, Cron, Daily }

/// <summary>
/// One named calendar of the registry's <c>calendars:</c> section: times it excludes from the tasks that name it in
/// <c>exclude_calendars</c>. <see cref="Values"/> are holiday dates (<c>2026-12-25</c>), annual days (<c>12-25</c>),
/// one cron expression, or one daily range (<c>22:00-06:00</c>); <see cref="Base"/> chains another calendar in.
/// </summary>
public sealed record RegistryCalendar(string Name, CalendarKind Kind, string TimeZone, IReadOnlyList<string> Values, string? Base)
{
    /// <summary>Builds the Quartz calendar of this definition alone, chained onto <paramref name="inner"/>.</summary>
    public ICalendar Build(ICalendar? inner)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        BaseCalendar calendar;
        switch (Kind)
        {
            case CalendarKind.Holiday:
                var holidays = new HolidayCalendar { TimeZone = zone };
                foreach (var date in Values) holidays.AddExcludedDay(DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture));
                calendar = holidays;
                break;
            case CalendarKind.Annual:
                var annual = new AnnualCalendar { TimeZone = zone };
                foreach (var day in Values)
                {
                    // Parsed in 2000, a leap year, so 02-29 is a day it can hold.
                    var date = DateOnly.ParseExact($"2000-{day}", "yyyy-MM-dd", CultureInfo.InvariantCulture);
                    annual.AddExcludedDay(new MonthDay(date.Month, date.Day));
                }
                calendar = annual;
                break;
            case CalendarKind.Cron:
                calendar = new CronCalendar(null!, Values[0], zone);
                break;
            default:
                var (from, to) = DailyRange(Values[0]);
                // DailyCalendar takes a range within one day; an overnight range is the inverse of the day between.
                calendar = from < to
                    ? new DailyCalendar(from, to, null!) { TimeZone = zone }
                    : new DailyCalendar(to, from, null!) { TimeZone = zone, InvertTimeRange = true };
                break;
        }
        calendar.Description = Name;
        calendar.CalendarBase = inner;
        return calendar;
    }

    /// <summary>"22:00-06:00" as two times of day; throws <see cref="FormatException"/> otherwise.</summary>
    public static (TimeOnly From, TimeOnly To) DailyRange(string text)
    {
        var parts = text.Split('-', 2, StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && TimeOnly.TryParseExact(parts[0], ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
            && TimeOnly.TryParseExact(parts[1], ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var to)
            && from != to)
        {
            return (from, to);
        }
        throw new FormatException($"'{text}' is not a time range like 22:00-06:00");
    }
}

/// <summary>
/// The calendars one task excludes, flattened with their bases: built into one Quartz calendar chain, stored under a
/// name derived from the definitions, so a sync sees a changed calendar as a changed trigger and nothing else moves.
/// </summary>
public sealed record TaskCalendar(IReadOnlyList<RegistryCalendar> Chain)
{
    public const string NamePrefix = "registry.";

    /// <summary>The Quartz calendar name: the task and a hash of what its calendars exclude.</summary>
    public string QuartzName(string taskId) =>
        $"{NamePrefix}{taskId}.{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(Chain))))[..16]}";

    public ICalendar Build()
    {
        ICalendar? calendar = null;
        // Excluded by any link of the chain is excluded: the order only decides which calendar wraps which.
        foreach (var link in Chain.Reverse()) calendar = link.Build(calendar);
        return calendar!;
    }

    /// <summary>The named calendars and, after each, its <c>base:</c> chain; each once.</summary>
    public static TaskCalendar? For(IEnumerable<string> names, IReadOnlyDictionary<string, RegistryCalendar> calendars)
    {
        var chain = new List<RegistryCalendar>();
        foreach (var name in names)
        {
            for (var at = calendars.GetValueOrDefault(name); at is not null && !chain.Contains(at); at = at.Base is null ? null : calendars.GetValueOrDefault(at.Base))
            {
                chain.Add(at);
            }
        }
        return chain.Count == 0 ? null : new TaskCalendar(chain);
    }
}
