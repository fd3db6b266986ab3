using Aionis.Jobs.Alerts;
using Aionis.Jobs.Framework;

namespace Aionis.Jobs.Incidents;

public sealed class AlertTriageOptions : JobOptions, ISummaryFileOptions
{
    public const string OperatorSource = "operator";
    public const string TenantSource = "tenant";

    [Option("sources", "Alert sources (comma-separated): operator (the worker's own operator alerts), tenant (the tenant alert events alert dispatch detects)")]
    public string[] Sources { get; set; } = [OperatorSource, TenantSource];

    [Option("env", "Environment the alerts come from (they carry none themselves); policy rules match on it")]
    public string Env { get; set; } = "prod";

    [Option("tenants", "Tenants whose events are detected (comma-separated; \"*\" = every active tenant)")]
    public string[] Tenants { get; set; } = ["*"];

    [Option("event-types", "Tenant event types to detect: key_rotation_sla_failed, key_usage_anomaly, incident_publish_slo_degraded")]
    public string[] EventTypes { get; set; } = AlertEventTypes.All;

    [Option("tenant-event-interval-minutes", "A tenant event still detected counts as a new alert once per this interval (the task's schedule)", Min = 1, Max = 1440)]
    public int TenantEventIntervalMinutes { get; set; } = 5;

    [Option("lookback-days", "Operator alert episodes opened this long ago (or still open) are read", Min = 1, Max = 90)]
    public int LookbackDays { get; set; } = 7;

    [Option("max-alerts", "Safety valve: most alerts triaged per run; the rest waits for the next run", Min = 1, Max = 1000)]
    public int MaxAlerts { get; set; } = 25;

    [Option("max-incidents", "Safety valve: most incidents created per run; alerts that would open more wait for the next run", Min = 1, Max = 100)]
    public int MaxIncidents { get; set; } = 5;

    [Option("out", "Also write the summary to this file")]
    public string? Out { get; set; }

    public override IEnumerable<OptionError> Validate()
    {
        if (Sources.Except([OperatorSource, TenantSource]).ToList() is { Count: > 0 } unknown)
            yield return new OptionError("sources", string.Join(",", unknown), $"allowed: {OperatorSource}, {TenantSource}");
        if (EventTypes.Except(AlertEventTypes.All).ToList() is { Count: > 0 } types)
            yield return new OptionError("event-types", string.Join(",", types), $"allowed: {string.Join(", ", AlertEventTypes.All)}");
        if (string.IsNullOrWhiteSpace(Env)) yield return new OptionError("env", Env, "must not be empty");
    }
}
