using System.Text.Json;
using System.Text.Json.Nodes;

namespace Aionis.Jobs.Alerts;

/// <summary>
/// Step 1 of a route's policy: <c>severity_thresholds[event_type]</c> re-grades an event's severity
/// from its counts, or drops it (null) when it is below the route's threshold.
/// </summary>
public static class SeverityThresholds
{
    public static string? Apply(AlertEvent alert, JsonElement thresholds)
    {
        if (thresholds.ValueKind != JsonValueKind.Object
            || !thresholds.TryGetProperty(alert.EventType, out var rule)
            || rule.ValueKind != JsonValueKind.Object
            || !rule.EnumerateObject().Any())
        {
            return alert.Severity;
        }
        return alert.EventType switch
        {
            AlertEventTypes.KeyUsageAnomaly => KeyUsage(alert.Payload, rule),
            AlertEventTypes.KeyRotationSlaFailed => KeyRotation(alert.Payload, rule),
            AlertEventTypes.IncidentPublishSloDegraded => IncidentSlo(alert.Payload, rule),
            _ => alert.Severity,
        };
    }

    private static string? KeyUsage(JsonObject payload, JsonElement rule)
    {
        var count = PolicyValues.PayloadNumber(payload, "anomalies_count");
        var critical = Math.Max(1, Math.Truncate(PolicyValues.Number(rule, "critical_anomalies") ?? double.PositiveInfinity));
        var warning = Math.Max(1, Math.Truncate(PolicyValues.Number(rule, "warning_anomalies") ?? 1));
        return count >= critical ? AlertSeverity.Critical : count >= warning ? AlertSeverity.Warning : null;
    }

    private static string? KeyRotation(JsonObject payload, JsonElement rule)
    {
        var stale = PolicyValues.PayloadNumber(payload, "stale_count_for_tenant");
        var critical = Math.Max(1, PolicyValues.Number(rule, "critical_stale_count") ?? 1);
        var warning = Math.Max(1, PolicyValues.Number(rule, "warning_stale_count") ?? 1);
        var raiseWithoutRotation = PolicyValues.Flag(rule, "warning_no_recent_rotation") ?? true;
        var severity = stale >= critical ? AlertSeverity.Critical : stale >= warning ? AlertSeverity.Warning : null;
        if (raiseWithoutRotation && payload["tenant_without_recent_rotation"] is not null)
        {
            severity ??= AlertSeverity.Warning;
        }
        return severity;
    }

    private static string? IncidentSlo(JsonObject payload, JsonElement rule)
    {
        var criticalSignals = PolicyValues.Number(rule, "critical_signals") ?? 1;
        var warningSignals = PolicyValues.Number(rule, "warning_signals") ?? 1;
        var criticalBacklog = PolicyValues.Number(rule, "critical_dead_letter_backlog") ?? double.PositiveInfinity;
        if (PolicyValues.PayloadNumber(payload, "critical_signal_count") >= criticalSignals
            || PolicyValues.PayloadNumber(payload, "dead_letter_backlog") >= criticalBacklog)
        {
            return AlertSeverity.Critical;
        }
        return PolicyValues.PayloadNumber(payload, "warning_signal_count") >= warningSignals ? AlertSeverity.Warning : null;
    }
}
