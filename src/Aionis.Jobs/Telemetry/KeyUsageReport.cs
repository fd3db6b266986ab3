using System.Text.Json.Serialization;

namespace Aionis.Jobs.Telemetry;

/// <summary>What to compare (the recent window against the baseline before it) and when a pair is anomalous, as the options give them.</summary>
public sealed record KeyUsageThresholds(int WindowHours, int BaselineHours, int MinRequests, double ZscoreThreshold);

/// <summary>
/// The reference's window arithmetic: the recent window is capped by retention, the baseline lies between window+1 and
/// three retentions, and its length before the recent window is the slice that expected traffic is scaled from.
/// </summary>
public sealed record KeyUsageRetention(
    int RetentionHours, int RequestedWindowHours, int AppliedWindowHours, int RequestedBaselineHours, int AppliedBaselineHours, bool Truncated)
{
    public int SliceHours => Math.Max(1, AppliedBaselineHours - AppliedWindowHours);

    public static KeyUsageRetention For(int windowHours, int baselineHours, int retentionHours)
    {
        var window = Math.Min(windowHours, retentionHours);
        var requestedBaseline = Math.Clamp(baselineHours, window + 1, Math.Max(window + 1, 8760));
        var baseline = Math.Max(window + 1, Math.Min(requestedBaseline, 3 * retentionHours));
        return new KeyUsageRetention(retentionHours, windowHours, window, requestedBaseline, baseline,
            window < windowHours || baseline < requestedBaseline);
    }
}

public sealed record KeyUsageFilters(string? Endpoint, int MinRequests, double ZscoreThreshold);

public sealed record KeyUsagePage(int Limit, int Offset, int Total, bool HasMore);

public sealed record KeyUsageSnapshot(DateTimeOffset AnchorUtc);

public sealed record KeyUsageAnomalyCount(int CountInPage);

public sealed record RecentUsage(long Total, long ServerErrors, long Throttled, double ErrorRate, double LatencyAvgMs, double LatencyP95Ms);

public sealed record BaselineUsage(long Total, long ServerErrors, long Throttled, double ErrorRate, double LatencyAvgMs, double LatencyStddevMs, int SliceHours);

public sealed record UsageAnomaly(bool IsAnomaly, IReadOnlyList<string> Reasons, double? TrafficRatio, double LatencyZscore);

/// <summary>One (key prefix, endpoint) pair with recent traffic, its baseline and the verdict.</summary>
public sealed record KeyUsageItem(string ApiKeyPrefix, string Endpoint, RecentUsage Recent, BaselineUsage Baseline, UsageAnomaly Anomaly);

/// <summary>The reference's <c>getTenantApiKeyUsageReport</c> result.</summary>
public sealed record KeyUsageReport
{
    public bool Ok { get; init; }
    public required string TenantId { get; init; }
    public DateTimeOffset GeneratedAt { get; init; }
    public required KeyUsageRetention Retention { get; init; }
    public required KeyUsageFilters Filters { get; init; }
    public required KeyUsagePage Page { get; init; }
    public required KeyUsageSnapshot Snapshot { get; init; }
    public required KeyUsageAnomalyCount Anomalies { get; init; }
    public IReadOnlyList<KeyUsageItem> Items { get; init; } = [];

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Warning { get; init; }
}
