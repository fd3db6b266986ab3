using System.Globalization;

namespace Aionis.Jobs.Reports.Handoff;

/// <summary>The hand-off's two trend charts: the fleet's error rate and its p95 per day, each with its limit.</summary>
public static class HandoffCharts
{
    public static IReadOnlyList<string> Render(HandoffSummary s, HandoffOptions o)
    {
        var labels = s.Daily.Select(d => d.Day.ToString("ddd d MMM", CultureInfo.InvariantCulture)).ToList();
        var period = $"{s.From.UtcDateTime:d MMM} – {s.To.UtcDateTime.AddDays(-1):d MMM yyyy} (UTC days), every tenant";

        var rates = s.Daily.Select(d => d.ErrorRate).ToList();
        var rateTop = Top(Math.Max(o.MaxErrorRate, rates.Max() ?? 0) * 1.25, [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]);
        var errorRate = LineChart.Render(new LineChartSpec("Server error rate per day", period, labels, "5xx ÷ requests", 0, rateTop, rateTop / 5,
                v => (v * 100).ToString("0.##", CultureInfo.InvariantCulture) + " %", o.MaxErrorRate, $"limit {o.MaxErrorRate * 100:0.##} %"),
            [new ChartSeries("error rate", LineChart.Colours[1], rates)]);

        var p95 = s.Daily.Select(d => d.P95Ms).ToList();
        var msTop = Top(Math.Max(o.MaxP95Ms, p95.Max() ?? 0) * 1.25, [50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 60000, 600000]);
        var latency = LineChart.Render(new LineChartSpec("p95 latency per day", period, labels, "milliseconds", 0, msTop, msTop / 5,
                v => v.ToString("0", CultureInfo.InvariantCulture), o.MaxP95Ms, $"limit {o.MaxP95Ms:0} ms"),
            [new ChartSeries("p95", LineChart.Colours[0], p95)]);
        return [errorRate, latency];
    }

    private static double Top(double value, double[] steps) => steps.FirstOrDefault(s => s >= value, steps[^1]);
}
