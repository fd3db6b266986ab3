using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Telemetry;

public sealed record KeyUsageAnomalySample(int Count, IReadOnlyList<KeyUsageItem> Sample);

public sealed record KeyUsageAnomalySummary(
    bool Ok,
    bool Strict,
    DateTimeOffset CheckedAt,
    string TenantId,
    KeyUsageThresholds Thresholds,
    KeyUsageAnomalySample Anomalies,
    KeyUsageReport Report) : IJobSummary;

/// <summary>Per-key traffic spikes, latency and error-budget regressions of a tenant; not ok when any pair is anomalous.</summary>
[Job("hosted-key-usage-anomaly", "API-key traffic spikes, latency and error-budget regressions against a baseline",
    Permissions = [Permissions.ReadControlPlane], PerTenant = true)]
public sealed class KeyUsageAnomalyJob(KeyUsageReader reader) : IJob<KeyUsageAnomalyOptions, KeyUsageAnomalySummary>
{
    public const int SampleSize = 200;

    public async Task<KeyUsageAnomalySummary> RunAsync(KeyUsageAnomalyOptions options, JobContext context)
    {
        var thresholds = new KeyUsageThresholds(options.WindowHours, options.BaselineHours, options.MinRequests, options.ZscoreThreshold);
        var report = await reader.ReadAsync(options.TenantId, thresholds, options.Limit, context.Now, context.CancellationToken);
        var anomalies = report.Items.Where(i => i.Anomaly.IsAnomaly).ToList();
        return new KeyUsageAnomalySummary(
            Ok: report.Ok && anomalies.Count == 0,
            Strict: options.Strict,
            CheckedAt: context.Now,
            TenantId: options.TenantId,
            Thresholds: thresholds,
            Anomalies: new KeyUsageAnomalySample(anomalies.Count, anomalies.Take(SampleSize).ToList()),
            Report: report);
    }
}
