using System.Globalization;
using Quartz;
using YamlDotNet.RepresentationModel;

namespace Aionis.Worker.Scheduling;

/// <summary>The registry's top-level <c>calendars:</c> and <c>groups:</c> sections, read before the tasks that name them.</summary>
public sealed partial class RegistryLoader
{
    private static readonly string[] CalendarKeys = ["type", "time_zone", "dates", "days", "expression", "range", "base"];

    /// <summary>Which key holds a calendar kind's values, and what one looks like.</summary>
    private static readonly Dictionary<CalendarKind, (string Key, string Shape)> CalendarValues = new()
    {
        [CalendarKind.Holiday] = ("dates", "a list of dates like [2026-12-24, 2026-12-25]"),
        [CalendarKind.Annual] = ("days", "a list of month-days like [12-24, 12-25]"),
        [CalendarKind.Cron] = ("expression", "a Quartz cron expression of the excluded times, like \"* * 0-6 ? * MON-FRI\""),
        [CalendarKind.Daily] = ("range", "a time range like 22:00-06:00"),
    };

    private const int MaxGroupRunning = 1000;

    private static Dictionary<string, RegistryCalendar> Calendars(YamlNode? section, Action<YamlNode?, string?, string, string> error)
    {
        var calendars = new Dictionary<string, RegistryCalendar>(StringComparer.Ordinal);
        var at = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        if (section is null) return calendars;
        if (section is not YamlMappingNode map)
        {
            error(section, null, "calendars", "expected a mapping of calendar names to { type, time_zone, ... }");
            return calendars;
        }
        foreach (var (k, v) in map.Children)
        {
            var name = ((YamlScalarNode)k).Value ?? "";
            var field = $"calendars.{Printable(name)}";
            if (!TaskId().IsMatch(name))
            {
                error(k, null, field, $"'{Printable(name)}' must match ^[a-z][a-z0-9_]*$");
                continue;
            }
            if (Calendar(name, v, field, error) is { } calendar)
            {
                calendars[name] = calendar;
                at[name] = v;
            }
        }
        foreach (var calendar in calendars.Values.Where(c => c.Base is not null))
        {
            var field = $"calendars.{calendar.Name}.base";
            var node = Child((YamlMappingNode)at[calendar.Name], "base");
            if (!calendars.ContainsKey(calendar.Base!))
            {
                error(node, null, field, $"unknown calendar '{Printable(calendar.Base)}' (defined: {string.Join(", ", calendars.Keys.Order(StringComparer.Ordinal))})");
                continue;
            }
            var seen = new List<string> { calendar.Name };
            for (var next = calendar.Base; next is not null && calendars.TryGetValue(next, out var link); next = link.Base)
            {
                if (seen.Contains(next))
                {
                    error(node, null, field, $"calendars chain in a cycle: {string.Join(" -> ", seen.Append(next))}");
                    break;
                }
                seen.Add(next);
            }
        }
        return calendars;
    }

    private static RegistryCalendar? Calendar(string name, YamlNode node, string field, Action<YamlNode?, string?, string, string> error)
    {
        if (node is not YamlMappingNode map)
        {
            error(node, null, field, "expected { type, time_zone, and dates, days, expression or range }");
            return null;
        }
        var ok = true;
        void Error(YamlNode? at, string key, string message)
        {
            ok = false;
            error(at, null, $"{field}.{key}", message);
        }
        foreach (var key in map.Children.Keys.OfType<YamlScalarNode>().Where(k => !CalendarKeys.Contains(k.Value)))
        {
            Error(key, key.Value!, $"unknown key (allowed: {string.Join(", ", CalendarKeys)})");
        }
        string? Text(string key)
        {
            var at = Child(map, key);
            if (at is null or YamlScalarNode) return (at as YamlScalarNode)?.Value;
            Error(at, key, $"expected a single value, not {Shape(at)}");
            return null;
        }

        var typeText = Text("type");
        var kinds = Enum.GetValues<CalendarKind>().ToDictionary(k => k.ToString().ToLowerInvariant(), k => k, StringComparer.Ordinal);
        if (!kinds.TryGetValue(typeText ?? "", out var kind))
        {
            Error(Child(map, "type") ?? map, "type", $"'{Printable(typeText)}' must be one of {string.Join(", ", kinds.Keys)}");
            return null;
        }
        var zone = Text("time_zone") ?? "UTC";
        if (!TryFindZone(zone))
        {
            Error(Child(map, "time_zone"), "time_zone", $"unknown time zone '{Printable(zone)}' (use an IANA name such as UTC or Europe/Berlin)");
        }
        var (valueKey, shape) = CalendarValues[kind];
        foreach (var other in CalendarValues.Values.Select(v => v.Key).Where(k => k != valueKey && Child(map, k) is not null))
        {
            Error(Child(map, other), other, $"a {typeText} calendar takes {valueKey}, not {other}");
        }
        var valueNode = Child(map, valueKey);
        List<string> values;
        if (kind is CalendarKind.Holiday or CalendarKind.Annual)
        {
            if (valueNode is not YamlSequenceNode { Children.Count: > 0 } list || !list.Children.All(c => c is YamlScalarNode))
            {
                Error(valueNode ?? map, valueKey, $"expected {shape}");
                return null;
            }
            values = [];
            foreach (var item in list.Children.Cast<YamlScalarNode>())
            {
                var text = item.Value ?? "";
                var valid = kind == CalendarKind.Holiday
                    ? DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                    : DateOnly.TryParseExact($"2000-{text}", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
                if (!valid) Error(item, valueKey, $"'{Printable(text)}' is not {(kind == CalendarKind.Holiday ? "a date like 2026-12-25" : "a month-day like 12-25")}");
                else values.Add(text);
            }
            values = values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        }
        else
        {
            var text = Text(valueKey);
            if (string.IsNullOrWhiteSpace(text))
            {
                Error(valueNode ?? map, valueKey, $"expected {shape}");
                return null;
            }
            var problem = kind == CalendarKind.Cron ? CronProblem(text) : RangeProblem(text);
            if (problem is not null) Error(valueNode, valueKey, problem);
            values = [text.Trim()];
        }
        var baseName = Text("base");
        return ok ? new RegistryCalendar(name, kind, zone, values, baseName) : null;

        static string? CronProblem(string text)
        {
            try
            {
                CronExpression.Parse(text);
                return null;
            }
            catch (FormatException e)
            {
                return $"'{Printable(text)}' is not a valid Quartz cron expression: {e.Message}";
            }
        }

        static string? RangeProblem(string text)
        {
            try
            {
                RegistryCalendar.DailyRange(text);
                return null;
            }
            catch (FormatException e)
            {
                return Printable(e.Message);
            }
        }
    }

    private static Dictionary<string, ConcurrencyGroup> Groups(YamlNode? section, Action<YamlNode?, string?, string, string> error)
    {
        var groups = new Dictionary<string, ConcurrencyGroup>(StringComparer.Ordinal);
        if (section is null) return groups;
        if (section is not YamlMappingNode map)
        {
            error(section, null, "groups", "expected a mapping of group names to { max_running: N }");
            return groups;
        }
        foreach (var (k, v) in map.Children)
        {
            var name = ((YamlScalarNode)k).Value ?? "";
            var field = $"groups.{Printable(name)}";
            if (!TaskId().IsMatch(name))
            {
                error(k, null, field, $"'{Printable(name)}' must match ^[a-z][a-z0-9_]*$");
                continue;
            }
            if (v is not YamlMappingNode group)
            {
                error(v, null, field, "expected { max_running: N }");
                continue;
            }
            foreach (var key in group.Children.Keys.OfType<YamlScalarNode>().Where(key => key.Value != "max_running"))
            {
                error(key, null, $"{field}.{key.Value}", "unknown key (allowed: max_running)");
            }
            var max = Child(group, "max_running");
            if (max is YamlScalarNode { Value: var text } && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxGroupRunning)
            {
                groups[name] = new ConcurrencyGroup(name, n);
            }
            else
            {
                error(max ?? group, null, $"{field}.max_running", $"'{Printable((max as YamlScalarNode)?.Value)}' must be a whole number in 1..{MaxGroupRunning}");
            }
        }
        return groups;
    }

    /// <summary><c>after:</c> names tasks of this file, not the task itself, and the dependencies form no cycle.</summary>
    private static void CheckAfter(string file, IReadOnlyList<TaskDefinition> tasks, IReadOnlySet<string> ids, List<RegistryError> errors)
    {
        var byId = tasks.ToDictionary(t => t.Id, StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            foreach (var dependency in task.After)
            {
                var problem = dependency.Task == task.Id ? "a task cannot follow itself"
                    : !ids.Contains(dependency.Task) ? $"unknown task '{Printable(dependency.Task)}'"
                    : Cycle(task.Id, dependency.Task) is { } cycle ? $"a cycle: {string.Join(" -> ", cycle)}"
                    : null;
                if (problem is not null) errors.Add(new RegistryError(file, dependency.Line, dependency.Column, task.Id, "after.task", problem));
            }
        }

        // The path from upstream back to the task through after: edges, if there is one: the task would wait on itself.
        List<string>? Cycle(string start, string upstream)
        {
            var path = new List<string> { start, upstream };
            var seen = new HashSet<string>(StringComparer.Ordinal) { upstream };
            return Walk(upstream) ? path : null;

            bool Walk(string at)
            {
                foreach (var next in byId.TryGetValue(at, out var t) ? t.After.Select(a => a.Task) : [])
                {
                    if (next == start)
                    {
                        path.Add(start);
                        return true;
                    }
                    if (!seen.Add(next)) continue;
                    path.Add(next);
                    if (Walk(next)) return true;
                    path.RemoveAt(path.Count - 1);
                }
                return false;
            }
        }
    }
}
