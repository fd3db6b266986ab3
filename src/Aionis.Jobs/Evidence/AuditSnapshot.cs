using System.Text.Json.Nodes;

namespace Aionis.Jobs.Evidence;

public sealed record AuditEventRow(
    long Id, Guid EventId, string Actor, string Action, string ResourceType, string? ResourceId, string? TenantId,
    string? RequestId, JsonNode? Details, DateTimeOffset CreatedAt);

/// <summary><c>audit_events.json</c>: the tenant's newest control-plane audit events.</summary>
public sealed record AuditEventsSnapshot(bool Ok, string TenantId, int Limit, int Count, IReadOnlyList<AuditEventRow> Events);

public sealed record TenantRow(string TenantId, string? DisplayName, string Status, JsonNode? Metadata, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record ApiKeyCounts(long Total, long Active, long Revoked);

public sealed record TenantQuotaRow(
    double RecallRps, int RecallBurst, double WriteRps, int WriteBurst, int WriteMaxWaitMs, double DebugEmbedRps, int DebugEmbedBurst,
    double RecallTextEmbedRps, int RecallTextEmbedBurst, int RecallTextEmbedMaxWaitMs, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary><c>dashboard_summary.json</c>: the tenant row (null if unknown), its API-key counts and its quota (null if none).</summary>
public sealed record DashboardSnapshot(bool Ok, string TenantId, DateTimeOffset GeneratedAt, TenantRow? Tenant, ApiKeyCounts ApiKeys, TenantQuotaRow? Quota);
