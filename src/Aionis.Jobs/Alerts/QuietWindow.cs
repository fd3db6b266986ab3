using System.Text.Json;
using System.Text.RegularExpressions;

namespace Aionis.Jobs.Alerts;

/// <summary>
/// One <c>policy.quiet_windows[]</c> entry: minute of day and
/// weekday are taken in the window's time zone, 00:00–00:59 is minutes 0–59, day 7 is Sunday, and an unknown time
/// zone makes the policy invalid instead of falling back to UTC.
/// </summary>
public sealed partial record QuietWindow(IReadOnlySet<DayOfWeek> Days, int StartMinute, int EndMinute, TimeZoneInfo TimeZone, string Mode)
{
    public const string Suppress = "suppress";
    public const string WarningOnly = "warning_only";
    private const int EndOfDay = 24 * 60;

    public bool Matches(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, TimeZone);
        if (Days.Count > 0 && !Days.Contains(local.DayOfWeek)) return false;
        var minute = local.Hour * 60 + local.Minute;
        if (StartMinute == EndMinute) return true;
        return StartMinute < EndMinute
            ? minute >= StartMinute && minute < EndMinute
            : minute >= StartMinute || minute < EndMinute;
    }

    /// <summary>Parses one window; <paramref name="where"/> names it in the <see cref="RoutePolicyException"/> for a bad day or time zone.</summary>
    public static QuietWindow Parse(JsonElement window, string where)
    {
        var days = new HashSet<DayOfWeek>();
        if (window.ValueKind == JsonValueKind.Object && window.TryGetProperty("days", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in list.EnumerateArray())
            {
                var day = PolicyValues.Number(item) is { } n ? Math.Truncate(n) : double.NaN;
                if (!(day is >= 0 and <= 7))
                {
                    throw new RoutePolicyException($"{where}.days: '{item.GetRawText()}' is not a day 0..7 (0 and 7 = Sunday)");
                }
                days.Add((DayOfWeek)((int)day % 7));
            }
        }
        var zoneName = PolicyValues.Text(window, "timezone") ?? "UTC";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneName, out var zone))
        {
            throw new RoutePolicyException($"{where}.timezone: '{zoneName}' is not a known time zone");
        }
        return new QuietWindow(
            days,
            Minute(PolicyValues.Text(window, "start")) ?? 0,
            Minute(PolicyValues.Text(window, "end")) ?? EndOfDay,
            zone,
            PolicyValues.Text(window, "mode") == WarningOnly ? WarningOnly : Suppress);
    }

    /// <summary><c>HH:MM</c> with hours ≤ 23 and minutes ≤ 59 as minute of day; anything else is null (the reference's whole-day default).</summary>
    private static int? Minute(string? text)
    {
        if (text is null || !HourMinute().IsMatch(text)) return null;
        var hours = int.Parse(text[..2]);
        var minutes = int.Parse(text[3..]);
        return hours <= 23 && minutes <= 59 ? hours * 60 + minutes : null;
    }

    [GeneratedRegex(@"^\d{2}:\d{2}$")]
    private static partial Regex HourMinute();
}
