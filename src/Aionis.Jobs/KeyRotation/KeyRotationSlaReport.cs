using System.Text.Json.Serialization;

namespace Aionis.Jobs.KeyRotation;

public sealed record KeyRotationThresholds(int MaxAgeDays, int WarnAgeDays, int RotationWindowDays);

public sealed record KeyAgeRow(Guid Id, string TenantId, string? ProjectId, string? Label, string KeyPrefix, DateTimeOffset CreatedAt, double AgeDays);

public sealed record KeySample(int Count, IReadOnlyList<KeyAgeRow> Sample);

public sealed record ActiveKeysByTenant(string TenantId, long ActiveKeyCount, DateTimeOffset OldestActiveKeyAt, DateTimeOffset NewestActiveKeyAt);

public sealed record RecentRotationsByTenant(string TenantId, long RecentRotationCount);

public sealed record TenantWithoutRotation(
    string TenantId, long ActiveKeyCount, DateTimeOffset OldestActiveKeyAt, DateTimeOffset NewestActiveKeyAt, long RecentRotationCount);

/// <summary>The reference's <c>listStaleControlApiKeys</c> result; on a missing schema only ok, checked_at and error.</summary>
public sealed record KeyRotationSlaReport
{
    public bool Ok { get; init; }
    public DateTimeOffset CheckedAt { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Error { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public KeyRotationThresholds? Thresholds { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public KeySample? Stale { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public KeySample? WarningWindow { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<ActiveKeysByTenant>? ActiveByTenant { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<RecentRotationsByTenant>? RecentRotationsByTenant { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<TenantWithoutRotation>? TenantsWithoutRecentRotation { get; init; }
}
