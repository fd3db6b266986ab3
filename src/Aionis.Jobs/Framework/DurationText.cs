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
        try
        {
            foreach (Match m in matches)
            {
                var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                duration += m.Groups[2].Value switch
                {
                    "ms" => TimeSpan.FromMilliseconds(n),
                    "s" => TimeSpan.FromSeconds(n),
                    "m" => TimeSpan.FromMinutes(n),
                    "h" => TimeSpan.FromHours(n),
                    "d" => TimeSpan.FromDays(n),
                    _ => TimeSpan.FromDays(7 * n),
                };
            }
        }
        catch (OverflowException)
        {
            // Longer than TimeSpan can hold (about 29,000 years): not a duration anyone means.
            duration = TimeSpan.Zero;
            return false;
        }
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

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")]
    private static partial Regex Part();
}
