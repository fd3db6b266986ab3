using System.Reflection;
using Aionis.Data.Incidents;
using YamlDotNet.RepresentationModel;
using static Aionis.Jobs.Framework.SettingsYaml;

namespace Aionis.Jobs.Incidents;

/// <summary>Reads the triage policy YAML; every problem is reported as <c>file:line:column: field: problem</c>.</summary>
public static class TriagePolicyLoader
{
    public const string DefaultName = "triage-policy.default.yml (built in)";
    private static readonly string[] DefaultKeys = ["create", "severity_cap", "dedupe_window_minutes", "auto_close"];
    private static readonly string[] RuleKeys = ["name", "match", .. DefaultKeys];
    private static readonly string[] MatchKeys = ["env", "severity", "kind"];

    public static string DefaultText()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Aionis.Jobs.Incidents.triage-policy.default.yml")
            ?? throw new InvalidOperationException("the default triage policy is not embedded");
        return new StreamReader(stream).ReadToEnd();
    }

    /// <summary>The configured policy, else the default; throws <see cref="IncidentRequestException"/> listing the problems.</summary>
    public static TriagePolicy Load(string? path)
    {
        var (policy, problems) = Parse(path is null ? DefaultText() : File.ReadAllText(path), path ?? DefaultName);
        return problems.Count == 0 ? policy! : throw new IncidentRequestException(string.Join("; ", problems));
    }

    public static IReadOnlyList<string> Problems(string path) => Parse(File.ReadAllText(path), path).Problems;

    public static (TriagePolicy? Policy, IReadOnlyList<string> Problems) Parse(string text, string source)
    {
        var problems = new List<string>();
        void Problem(YamlNode? node, string field, string what) => problems.Add(ProblemLine(source, node, field, what));

        if (Root(text, source, "expected a mapping with version, defaults and rules", problems) is not { } root) return (null, problems);
        Unknown(root, ["version", "defaults", "rules"], "", Problem);
        if (Scalar(root, "version") is not { Value: "1" })
        {
            Problem(Child(root, "version") ?? root, "version", "must be 1");
        }

        var defaults = Child(root, "defaults") as YamlMappingNode;
        if (Child(root, "defaults") is { } d && defaults is null) Problem(d, "defaults", "expected a mapping");
        if (defaults is not null) Unknown(defaults, DefaultKeys, "defaults.", Problem);
        var defaultAction = new TriageAction("defaults",
            Flag(defaults, "create", "defaults.create", Problem) ?? true,
            Severity(defaults, "defaults.severity_cap", Problem) ?? "P0",
            Window(defaults, "defaults.dedupe_window_minutes", Problem) ?? TimeSpan.FromMinutes(120),
            Flag(defaults, "auto_close", "defaults.auto_close", Problem) ?? false);

        var rules = new List<TriageRule>();
        switch (Child(root, "rules"))
        {
            case null:
                break;
            case YamlSequenceNode list:
                var index = 0;
                foreach (var item in list)
                {
                    var at = $"rules[{index}]";
                    if (item is not YamlMappingNode rule)
                    {
                        Problem(item, at, "expected a mapping with match and actions");
                        index++;
                        continue;
                    }
                    Unknown(rule, RuleKeys, at + ".", Problem);
                    var match = Child(rule, "match") as YamlMappingNode;
                    if (match is null) Problem(Child(rule, "match") ?? rule, at + ".match", "expected a mapping of env, severity and/or kind");
                    else Unknown(match, MatchKeys, at + ".match.", Problem);
                    var severities = Values(match, "severity", at + ".match.severity", Problem);
                    foreach (var s in severities?.Where(s => !IncidentSeverity.All.Contains(s)) ?? [])
                    {
                        Problem(Child(match!, "severity"), at + ".match.severity", $"'{s}' is not one of {string.Join(", ", IncidentSeverity.All)}");
                    }
                    rules.Add(new TriageRule(
                        Scalar(rule, "name")?.Value ?? at,
                        Values(match, "env", at + ".match.env", Problem),
                        severities,
                        Values(match, "kind", at + ".match.kind", Problem),
                        Flag(rule, "create", at + ".create", Problem),
                        Severity(rule, at + ".severity_cap", Problem),
                        Window(rule, at + ".dedupe_window_minutes", Problem),
                        Flag(rule, "auto_close", at + ".auto_close", Problem)));
                    index++;
                }
                break;
            case var other:
                Problem(other, "rules", "expected a list of rules");
                break;
        }
        return problems.Count == 0 ? (new TriagePolicy(source, defaultAction, rules), problems) : (null, problems);
    }

    private static YamlScalarNode? Scalar(YamlMappingNode? map, string key) => Child(map, key) as YamlScalarNode;

    private static void Unknown(YamlMappingNode map, string[] allowed, string prefix, Action<YamlNode?, string, string> problem)
    {
        foreach (var key in map.Children.Keys)
        {
            if (key is not YamlScalarNode { Value: { } name } || !allowed.Contains(name))
                problem(key, prefix + key, $"unknown key (allowed: {string.Join(", ", allowed)})");
        }
    }

    private static bool? Flag(YamlMappingNode? map, string key, string field, Action<YamlNode?, string, string> problem)
    {
        if (Child(map, key) is not { } node) return null;
        if (node is YamlScalarNode { Value: "true" }) return true;
        if (node is YamlScalarNode { Value: "false" }) return false;
        problem(node, field, "expected true or false");
        return null;
    }

    private static string? Severity(YamlMappingNode? map, string field, Action<YamlNode?, string, string> problem)
    {
        if (Child(map, "severity_cap") is not { } node) return null;
        if (node is YamlScalarNode { Value: { } value } && IncidentSeverity.All.Contains(value)) return value;
        problem(node, field, $"expected one of {string.Join(", ", IncidentSeverity.All)}");
        return null;
    }

    private static TimeSpan? Window(YamlMappingNode? map, string field, Action<YamlNode?, string, string> problem)
    {
        if (Child(map, "dedupe_window_minutes") is not { } node) return null;
        if (node is YamlScalarNode { Value: { } value } && int.TryParse(value, out var minutes) && minutes is >= 1 and <= 10080)
            return TimeSpan.FromMinutes(minutes);
        problem(node, field, "expected a whole number of minutes in 1..10080");
        return null;
    }

    private static IReadOnlyList<string>? Values(YamlMappingNode? map, string key, string field, Action<YamlNode?, string, string> problem)
    {
        switch (Child(map, key))
        {
            case null:
                return null;
            case YamlScalarNode { Value: { Length: > 0 } one }:
                return [one];
            case YamlSequenceNode list when list.All(n => n is YamlScalarNode { Value.Length: > 0 }):
                return list.Cast<YamlScalarNode>().Select(n => n.Value!).ToList();
            case var other:
                problem(other, field, "expected a value or a list of values");
                return null;
        }
    }
}
