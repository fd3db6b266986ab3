using System.Text.Json.Serialization;

namespace Aionis.Jobs.Telemetry;

public sealed record TenantRecord(string Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record ApiKeyCounts(long Active, long Revoked);

public sealed record DataPlaneCounts(
    long Nodes, long Edges, long ActiveRules,
    [property: JsonPropertyName("recalls_24h")] long Recalls24h,
    [property: JsonPropertyName("commits_24h")] long Commits24h);

public sealed record OutboxCounts(long Pending, long Retrying, long Failed);

/// <summary>The reference's <c>getTenantDashboardSummary</c>: tenant row, key counts, quota profile, data-plane and outbox counts.</summary>
public sealed record TenantDashboard(
    string TenantId,
    DateTimeOffset GeneratedAt,
    string DefaultTenantId,
    TenantRecord? Tenant,
    ApiKeyCounts ApiKeys,
    IReadOnlyDictionary<string, object?>? QuotaProfile,
    DataPlaneCounts DataPlane,
    OutboxCounts Outbox);

/// <summary>What the dashboard says when the control-plane or data-plane tables are missing.</summary>
public sealed record DegradedTenantDashboard(string TenantId, DateTimeOffset GeneratedAt, string DefaultTenantId, string Warning)
{
    public const string SchemaNotReady = "schema_not_ready_for_dashboard";
}
