using System.Globalization;
using System.Text;
using static Aionis.Jobs.Reports.ReportText;

namespace Aionis.Jobs.Reports.Slo;

/// <summary>The SLO report for people: verdict, chart, one row per SLO (target, measured, budget spent).</summary>
public static class SloMarkdown
{
    public static string Render(SloReportSummary s)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# SLO report · {s.Window.Label}{(s.DryRun ? " · dry run" : "")}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"{Stamp(s.Window.From)} → {Stamp(s.Window.To)} UTC · generated {Stamp(s.GeneratedAt)} · SLOs from {s.SloFile}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"**{(s.Ok ? "All targets met" : "TARGET MISSED")} — {s.Tally.Fail} missed · {s.Tally.Warn} at risk · {s.Tally.Pass} met**\n\n");
        md.Append(CultureInfo.InvariantCulture, $"![Error budget left per day]({s.Files.Charts[0]})\n\n");
        md.Append("| | SLO | target | measured | bad / total | budget spent | p95 |\n|---|---|---:|---:|---:|---:|---:|\n");
        foreach (var r in s.Slos)
        {
            var spent = r.BudgetSpent is { } b ? Percent(b, 1) : "**exhausted**";
            md.Append(CultureInfo.InvariantCulture,
                $"| {Badge(r.Status)} | {r.Id} — {Cell(r.Description)} | {Number(r.TargetPercent, "0.###")} % | {Percent(r.Measured, 3)} | {Count(r.Bad)} / {Count(r.Total)} | {spent} | {Ms(r.P95Ms)} |\n");
        }
        md.Append(CultureInfo.InvariantCulture, $"\nBudget spent = bad events ÷ what the target allows ((1 − target) × total); at {Percent(SloResult.WarnSpent, 0)} an SLO is at risk.\n");
        return md.ToString();
    }
}
