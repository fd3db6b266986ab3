using System.Globalization;

namespace Aionis.Bench;

/// <summary>The table every benchmark prints: figure, target, pass/fail. Exit code 1 when any target is missed.</summary>
public sealed class BenchTable(string title)
{
    private readonly List<(string Metric, string Value, string Target, bool Pass)> _rows = [];

    public void Add(string metric, double value, string unit, string target, bool pass) =>
        _rows.Add((metric, value.ToString("0.###", CultureInfo.InvariantCulture) + unit, target, pass));

    public void Info(string metric, string value) => _rows.Add((metric, value, "", true));

    public int Print()
    {
        var w = Math.Max(6, _rows.Max(r => r.Metric.Length));
        var v = Math.Max(5, _rows.Max(r => r.Value.Length));
        Console.WriteLine();
        Console.WriteLine($"== {title} ==");
        Console.WriteLine($"{"metric".PadRight(w)}  {"value".PadRight(v)}  {"target",-14} result");
        foreach (var r in _rows)
        {
            var result = r.Target.Length == 0 ? "" : r.Pass ? "PASS" : "FAIL";
            Console.WriteLine($"{r.Metric.PadRight(w)}  {r.Value.PadRight(v)}  {r.Target,-14} {result}");
        }
        return _rows.All(r => r.Pass) ? 0 : 1;
    }
}
