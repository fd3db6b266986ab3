namespace Aionis.Tests.Support;

/// <summary>Control-plane rows an evidence bundle reads: audit events of any kind and a tenant's quota.</summary>
public static class EvidenceRows
{
    public static Task AddAuditEventAsync(this TestDatabase db, string tenantId, string action, DateTimeOffset at) =>
        db.ExecuteAsync("""
            INSERT INTO control_audit_events (action, resource_type, resource_id, tenant_id, details, created_at)
            VALUES ($2, 'tenant', $1, $1, '{}'::jsonb, $3)
            """, tenantId, action, at);

    /// <summary><paramref name="count"/> events one minute apart from <paramref name="firstAt"/>, details <c>{"seq": 0..count-1}</c>.</summary>
    public static Task AddAuditEventsAsync(this TestDatabase db, string tenantId, string action, int count, DateTimeOffset firstAt) =>
        db.ExecuteAsync("""
            INSERT INTO control_audit_events (action, resource_type, resource_id, tenant_id, details, created_at)
            SELECT $2, 'tenant', $1, $1, jsonb_build_object('seq', i), $4::timestamptz + i * interval '1 minute'
              FROM generate_series(0, $3 - 1) AS i
            """, tenantId, action, count, firstAt);

    public static Task AddQuotaAsync(this TestDatabase db, string tenantId, double recallRps = 10, int recallBurst = 20) =>
        db.ExecuteAsync("""
            INSERT INTO control_tenant_quotas (tenant_id, recall_rps, recall_burst, write_rps, write_burst, write_max_wait_ms,
                debug_embed_rps, debug_embed_burst, recall_text_embed_rps, recall_text_embed_burst, recall_text_embed_max_wait_ms)
            VALUES ($1, $2, $3, 5, 10, 200, 1, 2, 3, 6, 500)
            """, tenantId, recallRps, recallBurst);
}
