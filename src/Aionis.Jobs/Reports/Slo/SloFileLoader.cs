using System.Globalization;
using System.Reflection;
using YamlDotNet.RepresentationModel;
using static Aionis.Jobs.Framework.SettingsYaml;

namespace Aionis.Jobs.Reports.Slo;

/// <summary>Reads the SLO file (<c>Reports:SloFile</c>, else the built-in runbook SLOs); every problem is <c>file:line:column: field: problem</c>.</summary>
public static class SloFileLoader
{
    public const string DefaultName = "slo.default.yml (built in)";
    private static readonly string[] SloKeys = ["id", "kind", "target", "description", "threshold_ms", "task"];

    public static string DefaultText()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Aionis.Jobs.Reports.Slo.slo.default.yml")
            ?? throw new InvalidOperationException("the default SLO file is not embedded");
        return new StreamReader(stream).ReadToEnd();
    }

    public static (SloFile? File, IReadOnlyList<string> Problems) Load(string? path) =>
        path is null ? Parse(DefaultText(), DefaultName) : Parse(File.ReadAllText(path), path);

    public static (SloFile? File, IReadOnlyList<string> Problems) Parse(string text, string source)
    {
        var problems = new List<string>();
        void Problem(YamlNode? node, string field, string what) => problems.Add(ProblemLine(source, node, field, what));

        if (Root(text, source, "expected a mapping with version and slos", problems) is not { } root) return (null, problems);
        foreach (var key in root.Children.Keys.OfType<YamlScalarNode>().Where(k => k.Value is not ("version" or "slos")))
            Problem(key, key.Value!, "unknown field (allowed: version, slos)");
        if (Child(root, "version") is not YamlScalarNode { Value: "1" }) Problem(Child(root, "version") ?? root, "version", "must be 1");
        if (Child(root, "slos") is not YamlSequenceNode list || list.Children.Count == 0)
        {
            Problem(Child(root, "slos") ?? root, "slos", "expected a list of at least one SLO");
            return (null, problems);
        }

        var slos = new List<SloDefinition>();
        for (var i = 0; i < list.Children.Count; i++)
        {
            var at = $"slos[{i}]";
            if (list.Children[i] is not YamlMappingNode slo)
            {
                Problem(list.Children[i], at, "expected a mapping with id, kind and target");
                continue;
            }
            foreach (var key in slo.Children.Keys.OfType<YamlScalarNode>().Where(k => !SloKeys.Contains(k.Value)))
                Problem(key, $"{at}.{key.Value}", $"unknown field (allowed: {string.Join(", ", SloKeys)})");
            var id = Text(slo, "id");
            if (id is null || !System.Text.RegularExpressions.Regex.IsMatch(id, "^[a-z0-9_]{1,64}$"))
                Problem(Child(slo, "id") ?? slo, $"{at}.id", $"'{id}': expected 1-64 of a-z, 0-9, _");
            else if (slos.Any(s => s.Id == id)) Problem(Child(slo, "id"), $"{at}.id", $"'{id}' is declared twice");
            var kind = Text(slo, "kind");
            if (kind is null || !SloKinds.All.Contains(kind))
                Problem(Child(slo, "kind") ?? slo, $"{at}.kind", $"'{kind}': allowed {string.Join(", ", SloKinds.All)}");
            var target = Number(slo, "target", $"{at}.target", 0, 100, Problem, inclusiveMin: false);
            var threshold = kind == SloKinds.Latency ? Number(slo, "threshold_ms", $"{at}.threshold_ms", 0, 600000, Problem, inclusiveMin: false) : null;
            var task = Text(slo, "task");
            if (kind is SloKinds.ScheduledSuccess or SloKinds.TaskSuccess && string.IsNullOrWhiteSpace(task))
                Problem(slo, $"{at}.task", $"required for kind {kind} (a registry task id)");
            if (target is { } t && id is not null && kind is not null)
                slos.Add(new SloDefinition(id, kind, t, Text(slo, "description") ?? id, threshold, task));
        }
        return problems.Count == 0 ? (new SloFile(source, slos), problems) : (null, problems);
    }

    private static string? Text(YamlMappingNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    private static double? Number(YamlMappingNode node, string key, string field, double min, double max, Action<YamlNode?, string, string> problem, bool inclusiveMin)
    {
        var raw = Text(node, key);
        if (raw is not null && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            && (inclusiveMin ? value >= min : value > min) && value <= max)
        {
            return value;
        }
        problem(Child(node, key) ?? node, field, $"'{raw}': expected a number {(inclusiveMin ? "from" : "above")} {min} up to {max}");
        return null;
    }
}
