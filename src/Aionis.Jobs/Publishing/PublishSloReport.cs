using System.Text.Json.Serialization;

namespace Aionis.Jobs.Publishing;

/// <summary>The gate's settings, as given after the derived limits.</summary>
public sealed record PublishSloThresholds(
    int WindowHours,
    int BaselineHours,
    int MinJobs,
    double AdaptiveMultiplier,
    double FailureRateFloor,
    double DeadLetterRateFloor,
    int BacklogWarningAbs,
    int DeadLetterBacklogWarningAbs,
    int DeadLetterBacklogCriticalAbs);

public sealed record PublishSloSnapshot(DateTimeOffset AnchorUtc, int WindowHours, int BaselineHours);

/// <summary>The thresholds block of the report: the settings plus the two adaptive rate thresholds.</summary>
public sealed record PublishSloReportThresholds(
    int MinJobs,
    double AdaptiveMultiplier,
    double FailureRateFloor,
    double DeadLetterRateFloor,
    double FailureRateThreshold,
    double DeadLetterRateThreshold,
    int BacklogWarningAbs,
    int DeadLetterBacklogWarningAbs,
    int DeadLetterBacklogCriticalAbs);

/// <summary>Jobs of one window by current status (pending and processing are not counted as processed).</summary>
public sealed record PublishWindowMetrics(long Succeeded, long Failed, long DeadLetter, long TotalProcessed, double FailureRate, double DeadLetterRate);

public sealed record PublishBacklog(long OpenBacklog, long DeadLetterBacklog);

public sealed record PublishSloMetrics(PublishWindowMetrics Current, PublishWindowMetrics Baseline, PublishBacklog Backlog);

/// <summary>
/// The reference's <c>getTenantIncidentPublishSloReport</c> result. On a missing table only ok, tenant_id, generated_at,
/// warning and the empty verdict are present.
/// </summary>
public sealed record PublishSloReport
{
    public bool Ok { get; init; }
    public required string TenantId { get; init; }
    public DateTimeOffset GeneratedAt { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Warning { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public PublishSloSnapshot? Snapshot { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public PublishSloReportThresholds? Thresholds { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public PublishSloMetrics? Metrics { get; init; }
    public bool Degraded { get; init; }

    /// <summary><c>critical</c>, <c>warning</c> or null.</summary>
    public string? Severity { get; init; }
    public IReadOnlyList<string> WarningSignals { get; init; } = [];
    public IReadOnlyList<string> CriticalSignals { get; init; } = [];
}
