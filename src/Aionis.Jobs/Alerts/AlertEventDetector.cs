using System.Text.Json;
using System.Text.Json.Nodes;
using Aionis.Jobs.Framework;
using Aionis.Jobs.KeyRotation;

namespace Aionis.Jobs.Alerts;

public sealed record DetectionResult(IReadOnlyList<AlertEvent> Events, IReadOnlyList<EventNotEvaluated> NotEvaluated);

/// <summary>
/// Detects reference §8.2's events for one tenant with the detecting jobs' own code: the key-rotation SLA reader, and the
/// key-usage and incident-publish SLO jobs run by name from the catalog. An event type whose job or report is missing is
/// reported as not evaluated.
/// </summary>
public sealed class AlertEventDetector(KeyRotationSlaReader keyRotation, CatalogJobReader jobs)
{
    public const string KeyUsageJob = "hosted-key-usage-anomaly";
    public const string IncidentSloJob = "hosted-incident-publish-slo";

    // The reference evaluates the SLA over every tenant with limit 500 and then keeps this tenant's stale keys (§14.6).
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
        var result = await jobs.RunAsync(KeyUsageJob, new Dictionary<string, object?>
        {
            ["tenant-id"] = options.TenantId,
            ["window-hours"] = options.KeyUsageWindowHours,
            ["baseline-hours"] = options.KeyUsageBaselineHours,
            ["min-requests"] = options.KeyUsageMinRequests,
            ["zscore-threshold"] = options.KeyUsageZscoreThreshold,
            ["limit"] = KeyUsageReportLimit,
        }, context);
        if (Unusable(AlertEventTypes.KeyUsageAnomaly, result) is { } notEvaluated)
        {
            return new Detection(null, notEvaluated);
        }
        var summary = result.Summary!.Value;
        var count = Find(summary, "anomalies", "count") is { ValueKind: JsonValueKind.Number } c ? c.GetInt32() : 0;
        if (count == 0)
        {
            return new Detection(null);
        }
        var sample = Find(summary, "anomalies", "sample") is { ValueKind: JsonValueKind.Array } s
            ? new JsonArray(s.EnumerateArray().Take(AnomalySampleLimit).Select(e => Node(e)).ToArray())
            : new JsonArray();
        var payload = new JsonObject
        {
            ["retention"] = Node(Find(summary, "report", "retention")),
            ["filters"] = Node(Find(summary, "report", "filters")),
            ["anomalies_count"] = count,
            ["anomalies_sample"] = sample,
        };
        return new Detection(new AlertEvent(AlertEventTypes.KeyUsageAnomaly,
            $"tenant {options.TenantId} has {count} key-usage anomaly signal(s)", AlertSeverity.Warning, payload));
    }

    private async Task<Detection> IncidentSloAsync(AlertDispatchOptions options, JobContext context)
    {
        var result = await jobs.RunAsync(IncidentSloJob, new Dictionary<string, object?>
        {
            ["tenant-id"] = options.TenantId,
            ["window-hours"] = options.IncidentSloWindowHours,
            ["baseline-hours"] = options.IncidentSloBaselineHours,
            ["min-jobs"] = options.IncidentSloMinJobs,
            ["adaptive-multiplier"] = options.IncidentSloAdaptiveMultiplier,
            ["failure-rate-floor"] = options.IncidentSloFailureRateFloor,
            ["dead-letter-rate-floor"] = options.IncidentSloDeadLetterRateFloor,
            ["backlog-warning-abs"] = options.IncidentSloBacklogWarningAbs,
            ["dead-letter-backlog-warning-abs"] = options.IncidentSloDeadLetterBacklogWarningAbs,
            ["dead-letter-backlog-critical-abs"] = options.IncidentSloDeadLetterBacklogCriticalAbs,
        }, context);
        if (Unusable(AlertEventTypes.IncidentPublishSloDegraded, result) is { } notEvaluated)
        {
            return new Detection(null, notEvaluated);
        }
        var summary = result.Summary!.Value;
        if (Find(summary, "degraded") is not { ValueKind: JsonValueKind.True })
        {
            return new Detection(null);
        }
        var severity = Find(summary, "severity") is { ValueKind: JsonValueKind.String } s && s.GetString() == AlertSeverity.Critical
            ? AlertSeverity.Critical
            : AlertSeverity.Warning;
        var warnings = Find(summary, "warning_signals") is { ValueKind: JsonValueKind.Array } w ? w : default;
        var criticals = Find(summary, "critical_signals") is { ValueKind: JsonValueKind.Array } cr ? cr : default;
        var warningCount = warnings.ValueKind == JsonValueKind.Array ? warnings.GetArrayLength() : 0;
        var criticalCount = criticals.ValueKind == JsonValueKind.Array ? criticals.GetArrayLength() : 0;
        var payload = new JsonObject
        {
            ["degraded"] = true,
            ["severity"] = severity,
            ["warning_signal_count"] = warningCount,
            ["critical_signal_count"] = criticalCount,
            ["warning_signals"] = Node(warnings),
            ["critical_signals"] = Node(criticals),
            ["dead_letter_backlog"] = Node(Find(summary, "report", "metrics", "backlog", "dead_letter_backlog")),
            ["open_backlog"] = Node(Find(summary, "report", "metrics", "backlog", "open_backlog")),
            ["current"] = Node(Find(summary, "report", "metrics", "current")),
            ["baseline"] = Node(Find(summary, "report", "metrics", "baseline")),
            ["thresholds"] = Node(Find(summary, "report", "thresholds")),
            ["snapshot"] = Node(Find(summary, "report", "snapshot")),
        };
        return new Detection(new AlertEvent(AlertEventTypes.IncidentPublishSloDegraded,
            $"tenant {options.TenantId} incident publish SLO degraded ({warningCount} warning / {criticalCount} critical signal(s))",
            severity, payload));
    }

    /// <summary>Not evaluated when the job is missing or refused the options, or its report is not ok (e.g. a missing table).</summary>
    private static EventNotEvaluated? Unusable(string eventType, CatalogJobResult result)
    {
        if (result.Summary is not { } summary)
        {
            return new EventNotEvaluated(eventType, result.Reason!, result.Detail);
        }
        if (Find(summary, "report", "ok") is { ValueKind: JsonValueKind.False })
        {
            var warning = Find(summary, "report", "warning") is { ValueKind: JsonValueKind.String } w ? w.GetString() : null;
            return new EventNotEvaluated(eventType, "report_not_ok", warning);
        }
        return null;
    }

    private static JsonElement Find(JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return default;
            }
        }
        return element;
    }

    private static JsonNode? Node(JsonElement element) =>
        element.ValueKind == JsonValueKind.Undefined ? null : JsonNode.Parse(element.GetRawText());

    private static JsonNode? Node<T>(T value) => JsonSerializer.SerializeToNode(value, JobJson.Compact);
}
