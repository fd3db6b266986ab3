using Aionis.Jobs.Framework;
using Microsoft.Extensions.Logging;

namespace Aionis.Jobs.Reports.Checklist;

/// <summary>
/// The runbook's morning (08:00 UTC) and evening (18:00 UTC) checklists as a report: <c>&lt;shift&gt;.json</c> and
/// <c>&lt;shift&gt;.md</c>. It only reads; its files are its only writes (in a dry run, in the dry-run form of the folder).
/// </summary>
[Job("ops-daily-checklist", "Morning or evening operations checklist: each check pass/warn/fail with its number and reason",
    Permissions = [Permissions.ReadControlPlane, Permissions.ReadIncidents])]
public sealed class OpsChecklistJob(OpsChecklistReader reader, ILogger<OpsChecklistJob> logger) : IJob<OpsChecklistOptions, OpsChecklistSummary>
{
    public async Task<OpsChecklistSummary> RunAsync(OpsChecklistOptions options, JobContext context)
    {
        var files = ReportOutput.Plan(context, options.OutDir, options.Shift);
        var result = options.Shift == OpsChecklistOptions.Morning
            ? await reader.MorningAsync(options, context)
            : await reader.EveningAsync(options, context);
        var tally = CheckTally.Of(result.Checks.Select(c => c.Status));
        var summary = new OpsChecklistSummary(tally.Fail == 0, options.Strict, context.DryRun, options.Shift, context.Now, result.From, result.To,
            tally, result.Checks, result.DatabaseSizeBytes, result.Details, files);
        await ReportOutput.WriteAsync(context, files, summary, ChecklistMarkdown.Render(summary), [], result.Checks.Count);
        logger.ReportWritten($"{options.Shift} checklist", files.Directory, $"{tally.Pass} pass, {tally.Warn} warn, {tally.Fail} fail");
        return summary;
    }
}
