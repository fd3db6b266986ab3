using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Alerts;

/// <summary>The dispatch options and the pass-through options of the three detecting jobs.</summary>
public sealed class AlertDispatchOptions : JobOptions, IStrictOptions, ISummaryFileOptions, ITenantOptions
{
    [Option("tenant-id", "Tenant whose events are detected and routed (\"*\" = every active tenant)", DefaultFrom = "MEMORY_TENANT_ID")]
    public string TenantId { get; set; } = "default";

    [Option("event-types", "Event types to detect (comma-separated): key_rotation_sla_failed, key_usage_anomaly, incident_publish_slo_degraded")]
    public string[] EventTypes { get; set; } = AlertEventTypes.All;

    [Option("route-limit", "Most routes read per event", Min = 1, Max = 200)]
    public int RouteLimit { get; set; } = 50;

    [Option("timeout-ms", "Timeout of each HTTP delivery attempt, in milliseconds", Min = 1000, Max = 60000)]
    public int TimeoutMs { get; set; } = 8000;

    [Option("strict", "Exit 2 when any delivery failed")]
    public bool Strict { get; set; }

    [Option("out", "Also write the summary to this file")]
    public string? Out { get; set; }

    [Option("key-sla-max-age-days", "key_rotation_sla_failed: active keys at least this old are stale", Min = 1, Max = 3650)]
    public int KeySlaMaxAgeDays { get; set; } = 30;

    [Option("key-sla-warn-age-days", "key_rotation_sla_failed: warning age (at most key-sla-max-age-days)", Min = 1, Max = 3650)]
    public int KeySlaWarnAgeDays { get; set; } = 21;

    [Option("key-sla-rotation-window-days", "key_rotation_sla_failed: a tenant without a rotation in this window raises a warning", Min = 1, Max = 3650)]
    public int KeySlaRotationWindowDays { get; set; } = 30;

    [Option("key-usage-window-hours", "key_usage_anomaly: recent window", Min = 1, Max = 8760)]
    public int KeyUsageWindowHours { get; set; } = 24;

    [Option("key-usage-baseline-hours", "key_usage_anomaly: baseline window (at least window + 1)", Min = 1, Max = 8760)]
    public int KeyUsageBaselineHours { get; set; } = 168;

    [Option("key-usage-min-requests", "key_usage_anomaly: fewest recent requests before a key can be anomalous", Min = 1, Max = 1000000)]
    public int KeyUsageMinRequests { get; set; } = 30;

    [Option("key-usage-zscore-threshold", "key_usage_anomaly: latency z-score that counts as a regression", Min = 0.5, Max = 100)]
    public double KeyUsageZscoreThreshold { get; set; } = 3;

    [Option("incident-slo-window-hours", "incident_publish_slo_degraded: current window", Min = 1, Max = 8760)]
    public int IncidentSloWindowHours { get; set; } = 24;

    [Option("incident-slo-baseline-hours", "incident_publish_slo_degraded: baseline window (at least window + 1)", Min = 1, Max = 8760)]
    public int IncidentSloBaselineHours { get; set; } = 168;

    [Option("incident-slo-min-jobs", "incident_publish_slo_degraded: fewest jobs before rates count", Min = 1, Max = 1000000)]
    public int IncidentSloMinJobs { get; set; } = 20;

    [Option("incident-slo-adaptive-multiplier", "incident_publish_slo_degraded: baseline rate multiplier", Min = 1, Max = 20)]
    public double IncidentSloAdaptiveMultiplier { get; set; } = 2;

    [Option("incident-slo-failure-rate-floor", "incident_publish_slo_degraded: lowest failure-rate threshold", Min = 0, Max = 1)]
    public double IncidentSloFailureRateFloor { get; set; } = 0.05;

    [Option("incident-slo-dead-letter-rate-floor", "incident_publish_slo_degraded: lowest dead-letter-rate threshold", Min = 0, Max = 1)]
    public double IncidentSloDeadLetterRateFloor { get; set; } = 0.02;

    [Option("incident-slo-backlog-warning-abs", "incident_publish_slo_degraded: open backlog above this warns", Min = 1, Max = 1000000)]
    public int IncidentSloBacklogWarningAbs { get; set; } = 200;

    [Option("incident-slo-dead-letter-backlog-warning-abs", "incident_publish_slo_degraded: dead-letter backlog above this warns", Min = 1, Max = 1000000)]
    public int IncidentSloDeadLetterBacklogWarningAbs { get; set; } = 20;

    [Option("incident-slo-dead-letter-backlog-critical-abs", "incident_publish_slo_degraded: dead-letter backlog above this is critical (at least the warning value)", Min = 1, Max = 1000000)]
    public int IncidentSloDeadLetterBacklogCriticalAbs { get; set; } = 50;

    public TimeSpan Timeout => TimeSpan.FromMilliseconds(TimeoutMs);

    public override IEnumerable<OptionError> Validate()
    {
        var unknown = EventTypes.Where(t => !AlertEventTypes.All.Contains(t)).ToList();
        if (unknown.Count > 0)
        {
            yield return new OptionError("event-types", string.Join(",", unknown), $"allowed: {string.Join(", ", AlertEventTypes.All)}");
        }
    }

    public override void ApplyDerivedLimits()
    {
        EventTypes = EventTypes.Distinct(StringComparer.Ordinal).ToArray();
        KeySlaWarnAgeDays = Math.Min(KeySlaWarnAgeDays, KeySlaMaxAgeDays);
        KeyUsageBaselineHours = Math.Min(Math.Max(KeyUsageBaselineHours, KeyUsageWindowHours + 1), 8760);
        IncidentSloBaselineHours = Math.Min(Math.Max(IncidentSloBaselineHours, IncidentSloWindowHours + 1), 8760);
        IncidentSloDeadLetterBacklogCriticalAbs = Math.Max(IncidentSloDeadLetterBacklogCriticalAbs, IncidentSloDeadLetterBacklogWarningAbs);
    }
}
