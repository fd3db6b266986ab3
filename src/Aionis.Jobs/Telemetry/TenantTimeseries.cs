using System.Text.Json.Serialization;

namespace Aionis.Jobs.Telemetry;

public sealed record TimeseriesRetention(int RetentionHours, int RequestedWindowHours, int AppliedWindowHours, bool Truncated);

public sealed record TimeseriesFilters(string? Endpoint);

public sealed record TimeseriesPage(int Limit, int Offset, int Total, bool HasMore);

public sealed record TimeseriesSnapshot(DateTimeOffset AnchorUtc);

/// <summary>One hour of one endpoint: request counts by outcome and interpolated latency percentiles.</summary>
public sealed record TimeseriesRow(
    DateTimeOffset BucketUtc,
    string Endpoint,
    long Total,
    long ServerErrors,
    long Throttled,
    long ClientErrors,
    double LatencyP50Ms,
    double LatencyP95Ms,
    double LatencyP99Ms,
    long ErrorBudgetConsumed,
    double ErrorRate);

/// <summary>An endpoint's error budget over the whole window: server errors and throttled requests count against it.</summary>
public sealed record EndpointBudget(string Endpoint, long Total, long ServerErrors, long Throttled, long ErrorBudgetConsumed, double ErrorRate);

/// <summary>The reference's <c>getTenantRequestTimeseries</c> result (hourly buckets).</summary>
public sealed record TenantTimeseries
{
    public bool Ok { get; init; }
    public required string TenantId { get; init; }
    public string Bucket { get; init; } = "hour";
    public int WindowHours { get; init; }
    public required TimeseriesRetention Retention { get; init; }
    public TimeseriesFilters Filters { get; init; } = new(null);
    public required TimeseriesPage Page { get; init; }
    public required TimeseriesSnapshot Snapshot { get; init; }
    public DateTimeOffset GeneratedAt { get; init; }

    /// <summary>Newest hour first, endpoints in name order within an hour.</summary>
    public IReadOnlyList<TimeseriesRow> Series { get; init; } = [];

    public IReadOnlyList<EndpointBudget> Budget { get; init; } = [];

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Warning { get; init; }
}
