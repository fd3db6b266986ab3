using System.Globalization;
using System.Text;

namespace Aionis.Jobs.Telemetry;

/// <summary>TIMESERIES_REPORT.md: the reference's layout, the chart linked under the header, the newest 60 rows as the sample.</summary>
public static class TimeseriesReport
{
    public const int SampleRows = 60;

    public static string Render(TimeseriesExportSummary summary, string chartFileName)
    {
        var md = new StringBuilder();
        md.Append("# Hosted Tenant Timeseries\n\n");
        md.Append(CultureInfo.InvariantCulture, $"1. tenant_id: `{summary.TenantId}`\n");
        md.Append(CultureInfo.InvariantCulture, $"2. generated_at: `{Timestamp(summary.GeneratedAt)}`\n");
        md.Append(CultureInfo.InvariantCulture, $"3. window_hours: `{summary.WindowHours}`\n\n");
        if (summary.Warning is { } warning)
        {
            md.Append(CultureInfo.InvariantCulture, $"> warning: `{warning}`\n\n");
        }
        md.Append(CultureInfo.InvariantCulture, $"![Requests and p95 latency per hour and endpoint]({chartFileName})\n\n");

        md.Append("## Endpoint Budget\n\n");
        md.Append("| endpoint | total | server_errors | throttled | error_budget_consumed | error_rate |\n");
        md.Append("|---|---:|---:|---:|---:|---:|\n");
        foreach (var b in summary.Budget)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {b.Endpoint} | {b.Total} | {b.ServerErrors} | {b.Throttled} | {b.ErrorBudgetConsumed} | {b.ErrorRate} |\n");
        }

        md.Append("\n## Recent Series (sample)\n\n");
        md.Append(CultureInfo.InvariantCulture, $"The newest {Math.Min(SampleRows, summary.Series.Count)} of {summary.Series.Count} hourly rows.\n\n");
        md.Append("| bucket_utc | endpoint | total | budget_errors | error_rate | p95(ms) |\n");
        md.Append("|---|---|---:|---:|---:|---:|\n");
        foreach (var r in summary.Series.Take(SampleRows))
        {
            md.Append(CultureInfo.InvariantCulture,
                $"| {Timestamp(r.BucketUtc)} | {r.Endpoint} | {r.Total} | {r.ErrorBudgetConsumed} | {r.ErrorRate} | {Math.Round(r.LatencyP95Ms, 3)} |\n");
        }
        return md.ToString();
    }

    private static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString(Framework.UtcTimestampConverter.Format, CultureInfo.InvariantCulture);
}
