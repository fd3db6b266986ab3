using System.Globalization;
using Aionis.Jobs.Framework;
using Microsoft.Extensions.Logging;

namespace Aionis.Jobs.Reports.Slo;

/// <summary>
/// The SLO report (monthly on the 1st for the month before, weekly for the last 30 days): each SLO of <c>Reports:SloFile</c>
/// measured, its error budget and how much is spent, and a chart of the budgets burning down over the window.
/// </summary>
[Job("slo-report", "SLO report: availability, p95 latency per endpoint, evidence export and backup success, task success; error budgets and burn-down chart",
    Permissions = [Permissions.ReadControlPlane])]
public sealed class SloReportJob(SloReportReader reader, SloFile sloFile, ILogger<SloReportJob> logger) : IJob<SloReportOptions, SloReportSummary>
{
    public async Task<SloReportSummary> RunAsync(SloReportOptions options, JobContext context)
    {
        var window = SloWindow.Of(options, context.Now);
        var stem = options.Month is not null ? $"slo-{window.Label}" : $"slo-{options.WindowDays}d-{context.Now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
        var files = ReportOutput.Plan(context, options.OutDir, stem, "budget");
        var results = await reader.ReadAsync(sloFile, window, context.CancellationToken);
        var tally = CheckTally.Of(results.Select(r => r.Status));
        var summary = new SloReportSummary(tally.Fail == 0, options.Strict, context.DryRun, context.Now, window, sloFile.Source, tally, results, files);
        await ReportOutput.WriteAsync(context, files, summary, SloMarkdown.Render(summary), [BudgetChart.Render(summary)], results.Count);
        logger.ReportWritten($"slo-report {window.Label}", files.Directory, $"{tally.Pass} met, {tally.Warn} at risk, {tally.Fail} missed");
        return summary;
    }
}
