using Aionis.Jobs.Evidence;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Reports.PublishRollup;

/// <summary>The publish roll-up in every incident bundle: <c>incident_publish_rollup.json</c> for the bundle's tenant and window.</summary>
internal sealed class PublishRollupBundleSection(PublishRollupReader reader) : IBundleSection
{
    public const string FileName = "incident_publish_rollup.json";

    public string Name => "incident_publish_rollup";

    public string LogFile => "05c_incident_publish_rollup.log";

    public async Task<StepOutcome> WriteAsync(BundleSectionRequest request, StepLog log, JobContext context)
    {
        var report = await reader.ReadAsync(request.TenantId, request.WindowHours, new PublishRollupOptions().SampleLimit, context.Now, context.CancellationToken);
        await JobJson.WriteFileAsync(Path.Combine(request.BundleDir, FileName), report, context.CancellationToken);
        log.WriteLine(JobJson.SerializeCompact(new { report.Ok, report.Jobs.Total, report.Jobs.FailedOrDeadLetter, report.Warning }));
        return new StepOutcome(report.Ok, report.Warning ?? $"jobs={report.Jobs.Total},failed_or_dead_letter={report.Jobs.FailedOrDeadLetter}");
    }
}
