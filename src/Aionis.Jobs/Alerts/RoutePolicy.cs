using System.Text.Json;
using System.Text.RegularExpressions;

namespace Aionis.Jobs.Alerts;

/// <summary>
/// A route's policy, applied in the reference's order: severity thresholds, quiet windows, dedupe.
/// A route without a policy gets the defaults: no thresholds, no quiet windows, dedupe with the default
/// key for 1800 s.
/// </summary>
public sealed partial record RoutePolicy(JsonElement Thresholds, IReadOnlyList<QuietWindow> QuietWindows, string DedupeKeyTemplate, int DedupeTtlSeconds)
{
    public const string DefaultDedupeKey = "{{tenant_id}}:{{event_type}}:{{severity}}:{{route_id}}";
    public const int DefaultDedupeTtlSeconds = 1800;
    private const int MinDedupeTtlSeconds = 60;
    private const int MaxDedupeTtlSeconds = 604800;

    public static RoutePolicy Parse(JsonElement? policy)
    {
        var root = policy ?? default;
        var isObject = root.ValueKind == JsonValueKind.Object;
        var thresholds = isObject && root.TryGetProperty("severity_thresholds", out var t) ? t : default;
        var windows = new List<QuietWindow>();
        if (isObject && root.TryGetProperty("quiet_windows", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var window in list.EnumerateArray())
            {
                windows.Add(QuietWindow.Parse(window, $"quiet_windows[{index++}]"));
            }
        }
        var dedupe = isObject && root.TryGetProperty("dedupe", out var d) ? d : default;
        var ttl = PolicyValues.Number(dedupe, "ttl_seconds") is { } seconds && double.IsFinite(seconds)
            ? (int)Math.Clamp(Math.Truncate(seconds), MinDedupeTtlSeconds, MaxDedupeTtlSeconds)
            : DefaultDedupeTtlSeconds;
        return new RoutePolicy(thresholds, windows, PolicyValues.Text(dedupe, "key") ?? DefaultDedupeKey, ttl);
    }

    /// <summary>The event's severity for this route, or null when it is below the route's threshold.</summary>
    public string? GradeSeverity(AlertEvent alert) => SeverityThresholds.Apply(alert, Thresholds);

    /// <summary>The first quiet window that matches now: the first match decides.</summary>
    public QuietWindow? QuietWindowAt(DateTimeOffset now) => QuietWindows.FirstOrDefault(w => w.Matches(now));

    /// <summary>The dedupe key: <c>{{name}}</c> placeholders (any case in the braces) replaced by the variable of that exact name, unknown ones by "".</summary>
    public string DedupeKey(IReadOnlyDictionary<string, string> variables) =>
        Placeholder().Replace(DedupeKeyTemplate, m => variables.GetValueOrDefault(m.Groups[1].Value, ""));

    [GeneratedRegex(@"\{\{([a-z0-9_]+)\}\}", RegexOptions.IgnoreCase)]
    private static partial Regex Placeholder();
}
