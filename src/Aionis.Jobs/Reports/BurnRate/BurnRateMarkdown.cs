using System.Globalization;
using System.Text;
using static Aionis.Jobs.Reports.ReportText;

namespace Aionis.Jobs.Reports.BurnRate;

/// <summary>The burn-rate check for people: the verdict, the pairs (which fired), then every window's numbers.</summary>
public static class BurnRateMarkdown
{
    public static string Render(SloBurnRateSummary s)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Error-budget burn rate · {s.Slo.Id} · {Stamp(s.CheckedAt)} UTC{(s.DryRun ? " · dry run" : "")}\n\n");
        var verdict = s.Severity switch
        {
            "critical" => $"🔴 **PAGE** — {string.Join(", ", s.Fired)} fired",
            "warning" => $"🟠 **TICKET** — {string.Join(", ", s.Fired)} fired",
            _ => "✅ **No pair fired**",
        };
        md.Append(CultureInfo.InvariantCulture,
            $"{verdict} · target {Number(s.Slo.TargetPercent, "0.###")} %, budget {Percent(s.Slo.BudgetFraction, 3)} of requests over {s.Slo.BudgetDays} days · gate: {s.Gate}\n\n");
        md.Append("| pair | action | long burn | short burn | threshold | fired |\n|---|---|---:|---:|---:|---|\n");
        foreach (var p in s.Pairs)
            md.Append(CultureInfo.InvariantCulture, $"| {p.Name} | {p.Action} ({p.Severity}) | {Number(p.LongBurnRate)}× | {Number(p.ShortBurnRate)}× | {Number(p.Threshold)}× | {(p.Fired ? "**yes**" : "no")} |\n");
        md.Append("\n| window | requests | 5xx | error rate | burn rate |\n|---|---:|---:|---:|---:|\n");
        foreach (var w in s.Windows)
            md.Append(CultureInfo.InvariantCulture, $"| {w.Name} | {Count(w.Requests)} | {Count(w.ServerErrors)} | {Percent(w.ErrorRate, 3)} | {Number(w.BurnRate)}× |\n");
        md.Append("\nA burn rate of 1× spends the whole 30-day budget in 30 days; 14.4× spends 2 % of it in an hour.\n");
        return md.ToString();
    }
}
