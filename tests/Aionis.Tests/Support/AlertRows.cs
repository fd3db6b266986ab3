namespace Aionis.Tests.Support;

/// <summary>Arranges <c>control_alert_routes</c> rows the way the Aionis API writes them.</summary>
public static class AlertRows
{
    /// <summary>Stale active keys of a tenant (40 days old: critical at base) and a rotation two days ago: key_rotation_sla_failed.</summary>
    public static async Task AddStaleKeysAsync(this TestDatabase db, string tenantId, DateTimeOffset now, int count = 3)
    {
        for (var i = 0; i < count; i++) await db.AddKeyAsync(tenantId, $"ak_live_old{i}", now.AddDays(-40));
        await db.AddRotationAuditAsync(tenantId, now.AddDays(-2));
    }

    public static async Task<Guid> AddAlertRouteAsync(this TestDatabase db, string tenantId, string channel, string? target,
        string? secret = null, string events = """["*"]""", string? policyJson = null, string headersJson = "{}",
        DateTimeOffset? createdAt = null, string status = "active")
    {
        await db.AddTenantAsync(tenantId);
        return await db.ScalarAsync<Guid>("""
            INSERT INTO control_alert_routes (tenant_id, channel, label, events, status, target, secret, headers, metadata, created_at)
            VALUES ($1, $2, $2 || ' route', $3::jsonb, $4, $5, $6, $7::jsonb,
                    CASE WHEN $8::text IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('policy', $8::jsonb) END, $9)
            RETURNING id
            """, tenantId, channel, events, status, target, secret, headersJson, policyJson, createdAt ?? DateTimeOffset.UtcNow);
    }

    public static Task<List<Dictionary<string, object?>>> DeliveriesAsync(this TestDatabase db) =>
        db.RowsAsync("""
            SELECT route_id, tenant_id, event_type, status, request_id, response_code, response_body, error, metadata::text AS metadata, created_at
              FROM control_alert_deliveries ORDER BY id
            """);
}
