namespace Aionis.Tests.Support;

/// <summary>Arranges control-plane rows for a test, in plain SQL, the way the Aionis API writes them.</summary>
public static class ControlPlaneRows
{
    public static Task AddTenantAsync(this TestDatabase db, string tenantId, string status = "active") =>
        db.ExecuteAsync("INSERT INTO control_tenants (tenant_id, display_name, status) VALUES ($1, $1, $2) ON CONFLICT DO NOTHING", tenantId, status);

    public static async Task<Guid> AddKeyAsync(this TestDatabase db, string tenantId, string prefix, DateTimeOffset createdAt, string status = "active")
    {
        await db.AddTenantAsync(tenantId);
        return await db.ScalarAsync<Guid>("""
            INSERT INTO control_api_keys (tenant_id, label, key_hash, key_prefix, status, created_at, revoked_at)
            VALUES ($1, $2, md5($2), $2, $3, $4, CASE WHEN $3 = 'revoked' THEN $4 END) RETURNING id
            """, tenantId, prefix, status, createdAt);
    }

    public static Task AddRotationAuditAsync(this TestDatabase db, string tenantId, DateTimeOffset at) =>
        db.ExecuteAsync("""
            INSERT INTO control_audit_events (action, resource_type, resource_id, tenant_id, details, created_at)
            VALUES ('api_key.rotate', 'api_key', gen_random_uuid()::text, $1, '{}'::jsonb, $2)
            """, tenantId, at);

    /// <summary>Telemetry rows: <paramref name="count"/> requests with the same shape at <paramref name="at"/>.</summary>
    public static Task AddTelemetryAsync(this TestDatabase db, string tenantId, string endpoint, DateTimeOffset at, int count,
        int statusCode = 200, double latencyMs = 100, string? keyPrefix = null, string scope = "default") =>
        db.ExecuteAsync("""
            INSERT INTO memory_request_telemetry (tenant_id, scope, endpoint, status_code, latency_ms, created_at, api_key_prefix)
            SELECT $1, $6, $2, $4, $5, $3, $7 FROM generate_series(1, $8)
            """, tenantId, endpoint, at, statusCode, latencyMs, scope, keyPrefix, count);
}
