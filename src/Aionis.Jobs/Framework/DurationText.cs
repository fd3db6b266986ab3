using System.Globalization;
using System.Text.RegularExpressions;

namespace Aionis.Jobs.Framework;

/// <summary>Durations as people write them in the registry and CLI: <c>90s</c>, <c>30m</c>, <c>24h</c>, <c>7d</c>, <c>1h30m</c>.</summary>
public static partial class DurationText
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var matches = Part().Matches(text.Trim());
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != text.Trim()) return false;
        // Summed as milliseconds in a double: 99999999999999999999d is "too long", not an OverflowException.
        var milliseconds = 0.0;
        foreach (Match m in matches)
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            milliseconds += n * m.Groups[2].Value switch
            {
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                "d" => 86_400_000,
                _ => 7 * 86_400_000.0,
            };
        }
        var ticks = milliseconds * TimeSpan.TicksPerMillisecond;
        if (!(ticks < long.MaxValue)) return false;
        duration = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    public static TimeSpan Parse(string text, string what) =>
        TryParse(text, out var d) ? d : throw new FormatException($"{what} '{text}': expected a duration like 90s, 30m, 24h, 7d");

    public static string Format(TimeSpan d) => d switch
    {
        _ when d.TotalDays >= 1 && d.TotalDays == Math.Floor(d.TotalDays) => $"{d.TotalDays:0}d",
        _ when d.TotalHours >= 1 && d.TotalHours == Math.Floor(d.TotalHours) => $"{d.TotalHours:0}h",
        _ when d.TotalMinutes >= 1 && d.TotalMinutes == Math.Floor(d.TotalMinutes) => $"{d.TotalMinutes:0}m",
        _ => $"{d.TotalSeconds:0.###}s",
    };

    // [0-9], not \d: \d also matches other scripts' digits (٣), which double.Parse then rejects with an exception.
    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d|w)")]
    private static partial Regex Part();
}
