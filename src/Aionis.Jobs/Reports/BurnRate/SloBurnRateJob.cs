using Aionis.Jobs.Framework;
using Aionis.Jobs.Reports.Slo;
using Microsoft.Extensions.Logging;

namespace Aionis.Jobs.Reports.BurnRate;

/// <summary>
/// Multi-window multi-burn-rate check of the availability SLO's 30-day error budget (every 5 min, a gate): every window's
/// requests and server errors in one pass, the four window pairs judged, and which fired. Reads only; writes its report.
/// </summary>
[Job("slo-burn-rate", "Error-budget burn rate of the availability SLO: page at 1h/5m ≥ 14.4× or 6h/30m ≥ 6×, ticket at 1d/2h ≥ 3× or 3d/6h ≥ 1×",
    Permissions = [Permissions.ReadControlPlane])]
public sealed class SloBurnRateJob(BurnRateReader reader, SloFile sloFile, ILogger<SloBurnRateJob> logger) : IJob<SloBurnRateOptions, SloBurnRateSummary>
{
    public async Task<SloBurnRateSummary> RunAsync(SloBurnRateOptions options, JobContext context)
    {
        var slo = sloFile.Slos.FirstOrDefault(s => s.Id == options.Slo && s.Kind == SloKinds.Availability)
            ?? throw new OptionBindingException([new OptionError("slo", options.Slo,
                $"no availability SLO with this id in {sloFile.Source} (there: {string.Join(", ", sloFile.Slos.Where(s => s.Kind == SloKinds.Availability).Select(s => s.Id))})")]);
        var files = ReportOutput.Plan(context, options.OutDir, "burn-rate");
        var counts = await reader.ReadAsync(context.Now, context.CancellationToken);

        var windows = counts.Select(c =>
        {
            var rate = c.Requests == 0 ? 0 : (double)c.ServerErrors / c.Requests;
            return new BurnWindow(c.Name, c.Requests, c.ServerErrors, JobMath.Round6(rate), JobMath.Round6(rate / slo.BudgetFraction));
        }).ToDictionary(w => w.Name);
        var pairs = BurnRateRules.Pairs.Select(p =>
        {
            var (l, s) = (windows[p.Long].BurnRate, windows[p.Short].BurnRate);
            return new BurnPair(p.Name, p.Action, p.Severity, p.Threshold, l, s, l >= p.Threshold && s >= p.Threshold);
        }).ToList();
        var fired = pairs.Where(p => p.Fired).ToList();
        var gated = fired.Where(p => options.Gate == SloBurnRateOptions.Any || p.Action == options.Gate).ToList();
        var severity = fired.Any(p => p.Action == BurnRateRules.Page) ? "critical" : fired.Count > 0 ? "warning" : null;

        var summary = new SloBurnRateSummary(gated.Count == 0, options.Strict, context.DryRun, context.Now, options.Gate,
            new BurnSlo(slo.Id, slo.TargetPercent, slo.BudgetFraction, BurnRateRules.BudgetDays),
            windows.Values.ToList(), pairs, fired.Select(p => p.Name).ToList(), severity, files);
        await ReportOutput.WriteAsync(context, files, summary, BurnRateMarkdown.Render(summary), [], fired.Count);
        logger.ReportWritten("slo-burn-rate", files.Directory, severity ?? "no pair fired");
        return summary;
    }
}
