using System.Text.Json;
using System.Text.Json.Nodes;
using Aionis.Jobs.Framework;
using Aionis.Jobs.KeyRotation;
using Aionis.Jobs.Publishing;
using Aionis.Jobs.Telemetry;

namespace Aionis.Jobs.Alerts;

public sealed record DetectionResult(IReadOnlyList<AlertEvent> Events, IReadOnlyList<EventNotEvaluated> NotEvaluated);

/// <summary>
/// Detects the tenant events for one tenant with the detecting jobs' own code: the key-rotation SLA reader, and the
/// key-usage and incident-publish SLO jobs run by their types from the catalog. An event type whose job or report is missing is
/// reported as not evaluated.
/// </summary>
public sealed class AlertEventDetector(KeyRotationSlaReader keyRotation, CatalogJobReader jobs)
{
    // The reference evaluates the SLA over every tenant with limit 500 and then keeps this tenant's stale keys.
    private const int KeyRotationScanLimit = 500;
    private const int KeyUsageReportLimit = 500;
    private const int StaleSampleLimit = 50;
    private const int AnomalySampleLimit = 100;

    private sealed record Detection(AlertEvent? Event, EventNotEvaluated? NotEvaluated = null);

    public async Task<DetectionResult> DetectAsync(AlertDispatchOptions options, JobContext context)
    {
        var events = new List<AlertEvent>();
        var notEvaluated = new List<EventNotEvaluated>();
        foreach (var eventType in options.EventTypes)
        {
            var detection = eventType switch
            {
                AlertEventTypes.KeyRotationSlaFailed => await KeyRotationAsync(options, context),
                AlertEventTypes.KeyUsageAnomaly => await KeyUsageAsync(options, context),
                _ => await IncidentSloAsync(options, context),
            };
            if (detection.Event is not null) events.Add(detection.Event);
            if (detection.NotEvaluated is not null) notEvaluated.Add(detection.NotEvaluated);
        }
        return new DetectionResult(events, notEvaluated);
    }

    private async Task<Detection> KeyRotationAsync(AlertDispatchOptions options, JobContext context)
    {
        var tenant = options.TenantId;
        var thresholds = new KeyRotationThresholds(options.KeySlaMaxAgeDays, options.KeySlaWarnAgeDays, options.KeySlaRotationWindowDays);
        var report = await keyRotation.ReadAsync(thresholds, KeyRotationScanLimit, context.Now, context.CancellationToken);
        if (!report.Ok)
        {
            return new Detection(null, new EventNotEvaluated(AlertEventTypes.KeyRotationSlaFailed, "report_not_ok", report.Error));
        }
        var stale = report.Stale!.Sample.Where(k => k.TenantId == tenant).ToList();
        var withoutRotation = report.TenantsWithoutRecentRotation!.FirstOrDefault(t => t.TenantId == tenant);
        if (stale.Count == 0 && withoutRotation is null)
        {
            return new Detection(null);
        }
        var payload = new JsonObject
        {
            ["thresholds"] = Node(thresholds),
            ["stale_count_for_tenant"] = stale.Count,
            ["stale_sample_for_tenant"] = Node(stale.Take(StaleSampleLimit).ToList()),
            ["tenant_without_recent_rotation"] = Node(withoutRotation),
        };
        return new Detection(stale.Count > 0
            ? new AlertEvent(AlertEventTypes.KeyRotationSlaFailed, $"tenant {tenant} has {stale.Count} stale active key(s)", AlertSeverity.Critical, payload)
            : new AlertEvent(AlertEventTypes.KeyRotationSlaFailed, $"tenant {tenant} has no recent key rotation in configured window", AlertSeverity.Warning, payload));
    }

    private async Task<Detection> KeyUsageAsync(AlertDispatchOptions options, JobContext context)
    {
        var result = await jobs.RunAsync<KeyUsageAnomalyOptions, KeyUsageAnomalySummary>(usage =>
        {
            usage.TenantId = options.TenantId;
            usage.WindowHours = options.KeyUsageWindowHours;
            usage.BaselineHours = options.KeyUsageBaselineHours;
            usage.MinRequests = options.KeyUsageMinRequests;
            usage.ZscoreThreshold = options.KeyUsageZscoreThreshold;
            usage.Limit = KeyUsageReportLimit;
        }, context);
        if (Unusable(AlertEventTypes.KeyUsageAnomaly, result, s => (s.Report.Ok, s.Report.Warning)) is { } notEvaluated)
        {
            return new Detection(null, notEvaluated);
        }
        var summary = result.Summary!;
        var count = summary.Anomalies.Count;
        if (count == 0)
        {
            return new Detection(null);
        }
        var payload = new JsonObject
        {
            ["retention"] = Node(summary.Report.Retention),
            ["filters"] = Node(summary.Report.Filters),
            ["anomalies_count"] = count,
            ["anomalies_sample"] = Node(summary.Anomalies.Sample.Take(AnomalySampleLimit).ToList()),
        };
        return new Detection(new AlertEvent(AlertEventTypes.KeyUsageAnomaly,
            $"tenant {options.TenantId} has {count} key-usage anomaly signal(s)", AlertSeverity.Warning, payload));
    }

    private async Task<Detection> IncidentSloAsync(AlertDispatchOptions options, JobContext context)
    {
        var result = await jobs.RunAsync<PublishSloOptions, PublishSloSummary>(slo =>
        {
            slo.TenantId = options.TenantId;
            slo.WindowHours = options.IncidentSloWindowHours;
            slo.BaselineHours = options.IncidentSloBaselineHours;
            slo.MinJobs = options.IncidentSloMinJobs;
            slo.AdaptiveMultiplier = options.IncidentSloAdaptiveMultiplier;
            slo.FailureRateFloor = options.IncidentSloFailureRateFloor;
            slo.DeadLetterRateFloor = options.IncidentSloDeadLetterRateFloor;
            slo.BacklogWarningAbs = options.IncidentSloBacklogWarningAbs;
            slo.DeadLetterBacklogWarningAbs = options.IncidentSloDeadLetterBacklogWarningAbs;
            slo.DeadLetterBacklogCriticalAbs = options.IncidentSloDeadLetterBacklogCriticalAbs;
        }, context);
        if (Unusable(AlertEventTypes.IncidentPublishSloDegraded, result, s => (s.Report.Ok, s.Report.Warning)) is { } notEvaluated)
        {
            return new Detection(null, notEvaluated);
        }
        var summary = result.Summary!;
        if (!summary.Degraded)
        {
            return new Detection(null);
        }
        var severity = summary.Severity == AlertSeverity.Critical ? AlertSeverity.Critical : AlertSeverity.Warning;
        var report = summary.Report;
        var payload = new JsonObject
        {
            ["degraded"] = true,
            ["severity"] = severity,
            ["warning_signal_count"] = summary.WarningSignals.Count,
            ["critical_signal_count"] = summary.CriticalSignals.Count,
            ["warning_signals"] = Node(summary.WarningSignals),
            ["critical_signals"] = Node(summary.CriticalSignals),
            ["dead_letter_backlog"] = Node(report.Metrics?.Backlog.DeadLetterBacklog),
            ["open_backlog"] = Node(report.Metrics?.Backlog.OpenBacklog),
            ["current"] = Node(report.Metrics?.Current),
            ["baseline"] = Node(report.Metrics?.Baseline),
            ["thresholds"] = Node(report.Thresholds),
            ["snapshot"] = Node(report.Snapshot),
        };
        return new Detection(new AlertEvent(AlertEventTypes.IncidentPublishSloDegraded,
            $"tenant {options.TenantId} incident publish SLO degraded ({summary.WarningSignals.Count} warning / {summary.CriticalSignals.Count} critical signal(s))",
            severity, payload));
    }

    /// <summary>Not evaluated when the job is missing or refused the options, or its report is not ok (e.g. a missing table).</summary>
    private static EventNotEvaluated? Unusable<TSummary>(string eventType, CatalogJobResult<TSummary> result, Func<TSummary, (bool Ok, string? Warning)> report)
        where TSummary : class, IJobSummary
    {
        if (result.Summary is not { } summary)
        {
            return new EventNotEvaluated(eventType, result.Reason!, result.Detail);
        }
        return report(summary) is (false, var warning) ? new EventNotEvaluated(eventType, "report_not_ok", warning) : null;
    }

    private static JsonNode? Node<T>(T value) => JsonSerializer.SerializeToNode(value, JobJson.Compact);
}
