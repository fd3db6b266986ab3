using System.Globalization;

namespace Aionis.Jobs.Reports.Slo;

/// <summary>The error budgets burning down over the window: the share left at each day's end per SLO, beside an even burn.</summary>
public static class BudgetChart
{
    public static string Render(SloReportSummary s)
    {
        var days = s.Slos.FirstOrDefault()?.Daily.Select(d => d.Day).ToList() ?? [];
        var labels = days.Select(d => d.ToString("d MMM", CultureInfo.InvariantCulture)).ToList();
        var series = s.Slos.Select((r, i) => new ChartSeries(r.Id, LineChart.Colours[i % LineChart.Colours.Length],
            r.Daily.Select(d => (double?)d.BudgetRemaining).ToList())).ToList();
        series.Add(new ChartSeries("even burn", "#999999", days.Select((_, i) => (double?)(days.Count == 1 ? 0 : 1 - (i + 1.0) / days.Count)).ToList(), Dashed: true));
        var spec = new LineChartSpec($"Error budget left, {s.Window.Label}",
            $"{s.Tally.Pass} met · {s.Tally.Warn} at risk · {s.Tally.Fail} missed · share of each SLO's budget left at the end of each UTC day",
            labels, "budget left", -0.5, 1, 0.25, v => v.ToString("0%", CultureInfo.InvariantCulture), 0, "budget exhausted");
        return LineChart.Render(spec, series);
    }
}
