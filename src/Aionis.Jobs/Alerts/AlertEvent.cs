using System.Text.Json.Nodes;

namespace Aionis.Jobs.Alerts;

/// <summary>The three tenant events alert dispatch detects.</summary>
public static class AlertEventTypes
{
    public const string KeyRotationSlaFailed = "key_rotation_sla_failed";
    public const string KeyUsageAnomaly = "key_usage_anomaly";
    public const string IncidentPublishSloDegraded = "incident_publish_slo_degraded";

    public static readonly string[] All = [KeyRotationSlaFailed, KeyUsageAnomaly, IncidentPublishSloDegraded];
}

/// <summary>A detected event: at most one per type and tenant, with its base severity and the reference's payload.</summary>
public sealed record AlertEvent(string EventType, string Summary, string Severity, JsonObject Payload);

/// <summary>An event type that could not be checked (its job is not built, or its report failed); never invented.</summary>
public sealed record EventNotEvaluated(string EventType, string Reason, string? Detail = null);
