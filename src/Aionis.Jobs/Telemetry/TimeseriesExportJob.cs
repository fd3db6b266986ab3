using System.Globalization;
using System.Text.Json.Serialization;
using Aionis.Jobs.Framework;
using Microsoft.Extensions.Configuration;

namespace Aionis.Jobs.Telemetry;

public sealed record TimeseriesArtifacts(string OutDir, string SummaryJson, string ReportMd, string TimeseriesSvg);

/// <summary>The export's <c>summary.json</c>: the timeseries result with the job's tenant, time and window, then the dashboard.</summary>
public sealed record TimeseriesExportSummary(
    bool Ok,
    string TenantId,
    string Bucket,
    int WindowHours,
    TimeseriesRetention Retention,
    TimeseriesFilters Filters,
    TimeseriesPage Page,
    TimeseriesSnapshot Snapshot,
    DateTimeOffset GeneratedAt,
    IReadOnlyList<TimeseriesRow> Series,
    IReadOnlyList<EndpointBudget> Budget,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Warning,
    object Dashboard,
    TimeseriesArtifacts Artifacts,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool DryRun) : IJobSummary;

/// <summary>
/// Hourly request telemetry of one tenant: summary.json, TIMESERIES_REPORT.md and the timeseries.svg chart.
/// It only reads the database; its output files are its only writes, in a dry run too.
/// </summary>
[Job("hosted-tenant-timeseries-export", "Hourly requests, error budget and latency percentiles of a tenant, with report and chart",
    Permissions = [Permissions.ReadControlPlane], PerTenant = true)]
public sealed class TimeseriesExportJob(TenantTimeseriesReader timeseries, TenantDashboardReader dashboard, IConfiguration configuration)
    : IJob<TimeseriesExportOptions, TimeseriesExportSummary>
{
    public const string DefaultTenantKey = "MEMORY_TENANT_ID";

    public async Task<TimeseriesExportSummary> RunAsync(TimeseriesExportOptions options, JobContext context)
    {
        var now = context.Now;
        var runId = options.RunId ?? now.UtcDateTime.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture);
        var outDir = context.ResolveOutputPath(options.OutDir ?? $"artifacts/hosted_timeseries/{options.TenantId}_{runId}", "out-dir");
        var artifacts = new TimeseriesArtifacts(outDir,
            Path.Combine(outDir, "summary.json"), Path.Combine(outDir, "TIMESERIES_REPORT.md"), Path.Combine(outDir, "timeseries.svg"));

        var series = await timeseries.ReadAsync(options.TenantId, options.WindowHours, now, context.CancellationToken);
        var defaultTenant = configuration[DefaultTenantKey] is { Length: > 0 } configured ? configured : "default";
        var board = await dashboard.ReadAsync(options.TenantId, defaultTenant, now, context.CancellationToken);

        var summary = new TimeseriesExportSummary(
            series.Ok, options.TenantId, series.Bucket, options.WindowHours, series.Retention, series.Filters, series.Page,
            series.Snapshot, context.Clock.GetUtcNow(), series.Series, series.Budget, series.Warning, board, artifacts, context.DryRun);

        Directory.CreateDirectory(outDir);
        await JobJson.WriteFileAsync(artifacts.SummaryJson, summary, context.CancellationToken);
        await File.WriteAllTextAsync(artifacts.ReportMd, TimeseriesReport.Render(summary, Path.GetFileName(artifacts.TimeseriesSvg)), context.CancellationToken);
        await File.WriteAllTextAsync(artifacts.TimeseriesSvg, TimeseriesChart.Render(series.Series, options.TenantId, now), context.CancellationToken);

        context.Artifacts.Add("summary_json", artifacts.SummaryJson);
        context.Artifacts.Add("report_md", artifacts.ReportMd);
        context.Artifacts.Add("timeseries_svg", artifacts.TimeseriesSvg);
        context.Actions.Record("write_report", outDir, series.Series.Count);
        return summary;
    }
}
